# SPDX-License-Identifier: GPL-2.0-or-later
# lbd_netns_test(NAME name SCRIPT test_x.py [TIMEOUT s] [NEEDS target...]): a Python unittest module
# run as root against real processes in network namespaces (label netns). The lab library is on
# PYTHONPATH, and each NEEDS target's path is passed as an environment variable named after it in
# upper case (lbd -> LBD, lbctl -> LBCTL).
function(lbd_netns_test)
  cmake_parse_arguments(ARG "" "NAME;SCRIPT;TIMEOUT" "NEEDS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set(env "PYTHONPATH=${PROJECT_SOURCE_DIR}/tests/netns/lib" "PYTHONUNBUFFERED=1"
          "LBD_TEST_BUILD_DIR=${PROJECT_BINARY_DIR}")
  foreach(t ${ARG_NEEDS})
    string(TOUPPER "${t}" var)
    string(REPLACE "-" "_" var "${var}")
    list(APPEND env "${var}=$<TARGET_FILE:${t}>")
  endforeach()
  get_filename_component(module ${ARG_SCRIPT} NAME_WE)
  add_test(NAME ${ARG_NAME}
           COMMAND ${CMAKE_COMMAND} -E env ${env} python3 -m unittest -v ${module}
           WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR})
  set_tests_properties(${ARG_NAME} PROPERTIES LABELS netns TIMEOUT ${ARG_TIMEOUT})
endfunction()

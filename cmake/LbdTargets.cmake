# SPDX-License-Identifier: GPL-2.0-or-later
# Flags for the project's own targets only; third-party headers are included as SYSTEM by their
# imported targets, so -Werror never fires on code we do not own.
set(LBD_WARNINGS -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
    -Wunused -Woverloaded-virtual -Wimplicit-fallthrough)

set(LBD_SANITIZER_FLAGS)
if(LBD_SANITIZE AND LBD_TSAN)
  message(FATAL_ERROR "LBD_SANITIZE and LBD_TSAN exclude each other: use two build trees")
elseif(LBD_SANITIZE)
  set(LBD_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
elseif(LBD_TSAN)
  set(LBD_SANITIZER_FLAGS -fsanitize=thread -fno-omit-frame-pointer)
endif()

if(LBD_CLANG_TIDY)
  find_program(LBD_CLANG_TIDY_EXE NAMES clang-tidy-14 clang-tidy REQUIRED)
endif()

function(lbd_target_defaults target)
  target_compile_options(${target} PRIVATE ${LBD_WARNINGS})
  if(LBD_SANITIZER_FLAGS)
    target_compile_options(${target} PRIVATE ${LBD_SANITIZER_FLAGS})
    target_link_options(${target} PRIVATE ${LBD_SANITIZER_FLAGS})
  endif()
  if(LBD_CLANG_TIDY)
    set_target_properties(${target} PROPERTIES CXX_CLANG_TIDY "${LBD_CLANG_TIDY_EXE}")
  endif()
  if(LBD_UNITY)
    # Eight sources of a target compiled as one: the headers they share (Asio, nlohmann::json,
    # GoogleTest) are parsed, instantiated and optimised once per batch instead of once per file.
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
  endif()
endfunction()

# lbd_library(name SOURCES ... DEPS ...): one static library per subsystem, headers under src/.
function(lbd_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  lbd_target_defaults(${name})
endfunction()

function(lbd_executable name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  lbd_target_defaults(${name})
endfunction()

# lbd_unit_test(name [THREADED] SOURCES ... DEPS ...): GoogleTest binary registered under the `unit`
# label. THREADED: the code under test runs threads of its own (as does everything linking the
# daemon). A ThreadSanitizer build finds races only between threads, so it builds and runs just
# those: the other unit tests are single-threaded and their sanitizer run is the ASan one.
function(lbd_unit_test name)
  cmake_parse_arguments(ARG "THREADED" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  lbd_target_defaults(${name})
  if(LBD_TSAN AND NOT ARG_THREADED AND NOT "lbd_daemon" IN_LIST ARG_DEPS)
    # Defined (the callers set properties on it) but neither built nor registered.
    set_target_properties(${name} PROPERTIES EXCLUDE_FROM_ALL ON)
    return()
  endif()
  include(GoogleTest)
  gtest_discover_tests(${name} PROPERTIES LABELS unit TIMEOUT 60 DISCOVERY_TIMEOUT 60)
endfunction()

# lbd_fuzz_target(name SOURCES ... DEPS ... CORPUS dir): libFuzzer binary plus a bounded CTest run
# over its checked-in corpus (label `fuzz`), so CI exercises every parser.
function(lbd_fuzz_target name)
  cmake_parse_arguments(ARG "" "CORPUS;SECONDS" "SOURCES;DEPS" ${ARGN})
  if(NOT LBD_FUZZ)
    return()
  endif()
  if(NOT ARG_SECONDS)
    set(ARG_SECONDS 30)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  lbd_target_defaults(${name})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  set(work ${CMAKE_CURRENT_BINARY_DIR}/${name}-corpus)
  add_test(NAME ${name}
           COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1
                   ${PROJECT_SOURCE_DIR}/tests/fuzz/run-fuzzer.sh $<TARGET_FILE:${name}> ${ARG_CORPUS} ${work}
                   ${ARG_SECONDS})
  set_tests_properties(${name} PROPERTIES LABELS fuzz TIMEOUT 600)
endfunction()

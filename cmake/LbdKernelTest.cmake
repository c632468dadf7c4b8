# SPDX-License-Identifier: GPL-2.0-or-later
# Kernel test tier: guest scripts that run against real IPVS in a QEMU TCG guest booting Debian's
# cloud kernel (see tests/kernel/README.md).
#
# lbd_kernel_test(NAME name SCRIPT guest-script.sh
#                 [BINS target-or-absolute-path...] [FILES file...] [TIMEOUT seconds] [MEMORY MiB] [SMP cpus])
#
# Registers a CTest test (label `kernel`) that boots the guest with SCRIPT as /ktest/test.sh, the
# executables of the BINS targets in /usr/local/bin (with their shared libraries), and FILES in
# /ktest. The test passes when the script exits 0 in the guest. TIMEOUT bounds the guest run
# (QEMU is killed then); CTest's own timeout is a minute longer so the runner can still report.
# Guests hold RESOURCE_LOCK qemu: on two cores two TCG guests at once only make both slower.
# The kernel and the base initramfs are prepared once per build tree by the `kernel_prepare`
# fixture test, cached in LBD_KTEST_CACHE.

set(LBD_KTEST_HARNESS_DIR ${CMAKE_CURRENT_LIST_DIR}/../tests/kernel/harness)
cmake_path(NORMAL_PATH LBD_KTEST_HARNESS_DIR)
set(LBD_KTEST_CACHE ${CMAKE_BINARY_DIR}/kernel-cache CACHE PATH
    "Where the kernel test tier caches the Debian kernel and the base initramfs")
set(LBD_KTEST_MEMORY 1024 CACHE STRING "Default guest memory for kernel tests, in MiB")
set(LBD_KTEST_SMP 1 CACHE STRING "Default guest CPU count for kernel tests")
set(LBD_KTEST_TIMEOUT 300 CACHE STRING "Default guest time limit for kernel tests, in seconds")

# Builds every executable a kernel test puts into its guest: cmake --build . --target lbd_kernel_test_bins
if(NOT TARGET lbd_kernel_test_bins)
  add_custom_target(lbd_kernel_test_bins)
endif()

function(_lbd_kernel_prepare_fixture)
  get_property(done GLOBAL PROPERTY LBD_KTEST_PREPARE_ADDED)
  if(done)
    return()
  endif()
  set_property(GLOBAL PROPERTY LBD_KTEST_PREPARE_ADDED TRUE)
  add_test(NAME kernel_prepare COMMAND ${LBD_KTEST_HARNESS_DIR}/prepare.sh ${LBD_KTEST_CACHE})
  # The first run downloads the kernel package (about 27 MB).
  set_tests_properties(kernel_prepare PROPERTIES LABELS kernel TIMEOUT 900 FIXTURES_SETUP lbd_kernel_image)
endfunction()

function(lbd_kernel_test)
  cmake_parse_arguments(ARG "" "NAME;SCRIPT;TIMEOUT;MEMORY;SMP" "BINS;FILES" ${ARGN})
  if(NOT ARG_NAME OR NOT ARG_SCRIPT)
    message(FATAL_ERROR "lbd_kernel_test: NAME and SCRIPT are required")
  endif()
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "lbd_kernel_test(${ARG_NAME}): unexpected arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  foreach(opt TIMEOUT MEMORY SMP)
    if(NOT ARG_${opt})
      set(ARG_${opt} ${LBD_KTEST_${opt}})
    endif()
  endforeach()
  _lbd_kernel_prepare_fixture()

  cmake_path(ABSOLUTE_PATH ARG_SCRIPT BASE_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR} OUTPUT_VARIABLE script)
  set(args --name ${ARG_NAME} --cache ${LBD_KTEST_CACHE} --work ${CMAKE_CURRENT_BINARY_DIR}/${ARG_NAME}.ktest
      --script ${script} --timeout ${ARG_TIMEOUT} --memory ${ARG_MEMORY} --smp ${ARG_SMP})
  if(LBD_SANITIZE)
    list(APPEND args --sanitized)
  endif()
  foreach(bin IN LISTS ARG_BINS)
    if(IS_ABSOLUTE ${bin})  # a program of the host (keepalived), with its shared libraries
      list(APPEND args --bin ${bin})
    else()
      list(APPEND args --bin $<TARGET_FILE:${bin}>)
      add_dependencies(lbd_kernel_test_bins ${bin})
    endif()
  endforeach()
  foreach(file IN LISTS ARG_FILES)
    cmake_path(ABSOLUTE_PATH file BASE_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR} OUTPUT_VARIABLE abs)
    list(APPEND args --file ${abs})
  endforeach()

  add_test(NAME ${ARG_NAME} COMMAND ${LBD_KTEST_HARNESS_DIR}/run-kernel-test.sh ${args})
  math(EXPR ctest_timeout "${ARG_TIMEOUT} + 60")
  set_tests_properties(${ARG_NAME} PROPERTIES
    LABELS kernel
    RESOURCE_LOCK qemu
    TIMEOUT ${ctest_timeout}
    # The guests run one after another (the lock); starting that chain early keeps it off the end
    # of a fresh tree's run, where CTest has no timings yet to schedule by.
    COST 100
    FIXTURES_REQUIRED lbd_kernel_image)
endfunction()

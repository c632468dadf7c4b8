#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# README command 2: installs what is needed, builds the sanitizer builds and runs every test tier
# (unit, fuzz, netns, kernel, package) with CTest under ASan+UBSan, then again
# under ThreadSanitizer: the unit tests of threaded code and the netns tier (the daemon runs VRRP,
# the IPVS statistics reader and the journal writer on threads of their own). Needs root: the netns
# and kernel tiers create namespaces and boot a QEMU guest.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each phase is announced with the elapsed time, so a slow CI run shows where its minutes went.
started=$SECONDS
phase() { printf '== %s (at %dm%02ds)\n' "$1" $(((SECONDS - started) / 60)) $(((SECONDS - started) % 60)); }
scripts/setup.sh --sanitize

# The ThreadSanitizer build compiles while the ASan suite runs, on the CPU time the suite leaves
# idle (most tests wait on timers, peers and the guest). It runs under SCHED_IDLE, so it never
# takes CPU from a test and cannot disturb the timing the VRRP tests measure.
tsan_log=$(mktemp /tmp/lbd-tsan-build.XXXXXX)
# In a process group of its own (setsid), so that a failing suite stops the compilers too.
setsid chrt --idle 0 scripts/setup.sh --tsan --no-install >"$tsan_log" 2>&1 &
tsan_build=$!
trap 'kill -- "-$tsan_build" 2>/dev/null || true' EXIT

# The package test builds lbd once more with dpkg-buildpackage; unoptimised it compiles about
# twice as fast and checks the same packaging (set DEB_BUILD_OPTIONS to build it as released).
# Line tables instead of full debug information (-g1) take another quarter off each compile and
# still give dh_strip and dh_dwz debug information to move into the -dbgsym package.
export DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS:-noopt}
export DEB_CXXFLAGS_APPEND=${DEB_CXXFLAGS_APPEND:--g1}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# kernel_vrrp_under_load measures the gaps between VRRP adverts in the guest, whose clock follows the
# host's: it runs once the ThreadSanitizer build has finished, when no compiler shares the two cores
# with the guest (beside the build, even at SCHED_IDLE, its gaps were 4x those on a quiet host).
timing='^kernel_vrrp_under_load$'
phase "running the test suite (ASan+UBSan)"
ctest --test-dir build-asan --output-on-failure -j 2 -E "$timing" "$@"

phase "finishing the ThreadSanitizer build"
if ! wait "$tsan_build"; then
  tail -50 "$tsan_log"
  echo "test.sh: the ThreadSanitizer build failed (log: $tsan_log)" >&2
  exit 1
fi
phase "running the VRRP timing test (ASan+UBSan, nothing else on the host)"
ctest --test-dir build-asan --output-on-failure -R "$timing" "$@"
trap - EXIT
phase "running the threaded unit tests and the netns tier (ThreadSanitizer)"
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
# ThreadSanitizer of clang 14 cannot map its shadow memory under the address-space randomisation
# of newer kernels; without randomisation (inherited by every process the tests start) it can.
setarch "$(uname -m)" -R ctest --test-dir build-tsan --output-on-failure -j 2 -L 'unit|netns' "$@"
phase "done"

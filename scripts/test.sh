#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# README command 2: installs what is needed, builds the sanitizer builds and runs every test tier
# (unit, fuzz, netns, kernel, package) with CTest under ASan+UBSan, then the unit and netns tiers
# again under ThreadSanitizer (the daemon runs VRRP on a thread of its own). Needs root: the netns
# and kernel tiers create namespaces and boot a QEMU guest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --sanitize
scripts/setup.sh --tsan --no-install
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
echo "== running the test suite (ASan+UBSan)"
ctest --test-dir build-asan --output-on-failure -j 2 "$@"
echo "== running the unit and netns tiers (ThreadSanitizer)"
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
# ThreadSanitizer of clang 14 cannot map its shadow memory under the address-space randomisation
# of newer kernels; without randomisation (inherited by every process the tests start) it can.
setarch "$(uname -m)" -R ctest --test-dir build-tsan --output-on-failure -j 2 -L 'unit|netns' "$@"

#!/usr/bin/env bash
# README command 2: installs what is needed, builds the sanitizer build and runs every test tier
# (unit, fuzz, netns, kernel) with CTest. Needs root: the netns and kernel tiers create namespaces
# and boot a QEMU guest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --sanitize
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
echo "== running the test suite"
ctest --test-dir build-asan --output-on-failure -j 2 "$@"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs the benchmarks against a build tree (default: build) and appends their figures to
# <build>/bench-results/. Use a release build: cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
# usage: bench/healthcheck/run.sh [BUILD_DIR] [--seconds N] [--no-guest]  (or bench/run.sh healthcheck ...)
set -u -o pipefail
build=build
seconds=30
guest=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --seconds) seconds=$2; shift ;;
    --no-guest) guest=0 ;;
    -*) echo "usage: $0 [BUILD_DIR] [--seconds N] [--no-guest]" >&2; exit 2 ;;
    *) build=$1 ;;
  esac
  shift
done
cmake --build "$build" --target healthcheck_bench healthcheck_detect healthcheck_listener || exit 1
hc=$build/bench/healthcheck
rc=0
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
# Health checks, natively on loopback: 10,000 targets every second, then detection latency.
for type in tcp http; do
  "$hc/healthcheck_bench" --targets 10000 --seconds "$seconds" --type "$type" || rc=1
done
"$hc/healthcheck_detect" --targets 100 --kills 20 --interval 1 --timeout 1 --fall 3 || rc=1
# Health checks against keepalived in the QEMU guest (minutes).
if [[ $guest -eq 1 ]]; then
  cmake -DLBD_BENCH_TESTS=ON "$build" >/dev/null || exit 1
  ctest --test-dir "$build" -R '^bench_healthcheck_vs_keepalived$' --output-on-failure || rc=1
fi
echo "results: $build/bench-results/"
exit $rc

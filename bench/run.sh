#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh: runs one benchmark on a release build and shows where its figures went.
#
#   bench/run.sh ipvs [BUILD_DIR]     (default BUILD_DIR: build)
#   bench/run.sh healthcheck [BUILD_DIR] [--seconds N] [--no-guest]   (bench/healthcheck/run.sh)
#   bench/run.sh vrrp [BUILD_DIR]     (netns, root; lbd against keepalived, a few minutes)
#
# Configures BUILD_DIR if it has no build files yet, builds what the benchmark needs, and runs it
# through CTest (label bench) with its output live. See bench/README.md.
set -Eeuo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(dirname "$here")
which=${1:-}
if [[ $which == healthcheck ]]; then
  shift
  exec "$here/healthcheck/run.sh" "$@"
fi
build=${2:-$src/build}
case $which in
  ipvs) targets=(lbd-ipvs) results=ipvs.txt pattern="^(kernel_prepare|bench_ipvs)\$" ;;
  vrrp) targets=(lbd vrrp_vip_prober) results=vrrp.txt pattern="^bench_vrrp\$" ;;
  *) echo "usage: bench/run.sh ipvs|vrrp|healthcheck [BUILD_DIR] [options]" >&2; exit 2 ;;
esac
[[ -f $build/CTestTestfile.cmake ]] || cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
if grep -q 'LBD_SANITIZE:BOOL=ON' "$build/CMakeCache.txt"; then
  echo "run.sh: $build is a sanitizer build; its figures would say nothing about lbd" >&2
  exit 2
fi
cmake --build "$build" -j2 --target "${targets[@]}"
rc=0
ctest --test-dir "$build" -R "$pattern" -V || rc=$?
echo "run.sh: results appended to $build/bench-results/$results"
exit "$rc"

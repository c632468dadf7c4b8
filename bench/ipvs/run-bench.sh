#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-bench.sh: runs the IPVS benchmark guest (guest-bench.sh) through the kernel-test runner and
# appends its figures to a results file.
#
#   run-bench.sh --results FILE --params TEXT -- RUNNER-ARGS...
#
# RUNNER-ARGS are those of tests/kernel/harness/run-kernel-test.sh (the first one is the runner
# itself); this script adds keepalived (the host's Debian binary, or $KEEPALIVED) with its shared
# libraries as a guest binary. Every "BENCH ..." line the guest printed is appended to FILE as
#   <UTC date> <params> host_load=<1-min load> | <line>
# and printed again at the end as the run's table. The exit status is the runner's: a missed
# target in the full bench (ENFORCE=1) fails it, after the figures were recorded.
set -Eeuo pipefail
export LC_ALL=C

die() { echo "bench: FAIL: $*" >&2; exit 1; }

results='' params=''
while (($#)); do
  case $1 in
    --results) results=$2 ;;
    --params) params=$2 ;;
    --) shift; break ;;
    *) die "unknown argument '$1'" ;;
  esac
  shift 2 || die "missing value after '$1'"
done
[[ $# -gt 0 && -n $results ]] || die "usage: run-bench.sh --results FILE --params TEXT -- RUNNER ARGS..."

keepalived=${KEEPALIVED:-$(command -v keepalived || echo /usr/sbin/keepalived)}
[[ -x $keepalived ]] || die "keepalived not found (Debian package: keepalived; or set KEEPALIVED=/path)"

work=''
args=("$@")
for ((i = 0; i < ${#args[@]} - 1; i++)); do
  [[ ${args[i]} == --work ]] && work=${args[i + 1]}
done
[[ -n $work ]] || die "the runner arguments have no --work DIR"

load=$(cut -d' ' -f1 /proc/loadavg)
rc=0
"$@" --bin "$keepalived" || rc=$?

mkdir -p "$(dirname "$results")"
stamp=$(date -u +%Y-%m-%dT%H:%M:%SZ)
lines=$(sed -n 's/^.*\(BENCH .*\)$/\1/p' "$work/serial.log" 2>/dev/null | sed 's/^BENCH //' || true)
if [[ -z $lines ]]; then
  echo "bench: the guest printed no figures; see $work/serial.log" >&2
  exit $((rc == 0 ? 1 : rc))
fi
while IFS= read -r line; do
  printf '%s %s host_load=%s | %s\n' "$stamp" "$params" "$load" "$line"
done <<<"$lines" >>"$results"
echo
echo "bench: $params (host load at start $load, now $(cut -d' ' -f1 /proc/loadavg)), appended to $results:"
while IFS= read -r line; do echo "  $line"; done <<<"$lines"
exit "$rc"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Host side of the keepalived comparison: runs the kernel-test runner with the given arguments,
# then appends the guest's "HCBENCH ..." lines to RESULTS with the date and the host's load.
# usage: run-guest-compare.sh RESULTS WORKDIR RUNNER [RUNNER-ARGS...]
set -u -o pipefail
[[ $# -ge 3 ]] || { echo "usage: $0 RESULTS WORKDIR RUNNER [ARGS...]" >&2; exit 2; }
results=$1
work=$2
shift 2
"$@"
rc=$?
load=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /)
lines=$(grep -ao 'HCBENCH .*' "$work/serial.log" 2>/dev/null | tr -d '\r' | sed 's/^HCBENCH //')
if [[ -n $lines ]]; then
  mkdir -p "$(dirname "$results")"
  while IFS= read -r line; do
    echo "$(date -u +%FT%TZ) load=$load where=guest $line" | tee -a "$results"
  done <<<"$lines"
elif [[ $rc -eq 0 ]]; then
  echo "run-guest-compare: the guest printed no HCBENCH line" >&2
  rc=1
fi
exit "$rc"

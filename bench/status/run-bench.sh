#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-bench.sh: status_bench for SERVICES x SERVERS, each side (write: the daemon, read: lbctl) both
# ways (tree, pieces), ROUNDS rounds with the ways alternating; every line appended to RESULTS, then
# the medians and the ratios pieces/tree printed and appended.
#
#   run-bench.sh STATUS_BENCH RESULTS SERVICES SERVERS ROUNDS
set -Eeuo pipefail
[[ $# -eq 5 ]] || { echo "usage: run-bench.sh STATUS_BENCH RESULTS SERVICES SERVERS ROUNDS" >&2; exit 2; }
bench=$1 results=$2 services=$3 servers=$4 rounds=$5
lines=()
for ((r = 0; r < rounds; r++)); do
  for side in write read; do
    for way in tree pieces; do
      line=$("$bench" --services "$services" --servers "$servers" --side "$side" --way "$way" --results "$results")
      echo "$line"
      lines+=("$line")
    done
  done
done
field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$2"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
summary="status_answers ${services}x${servers} medians of $rounds:"
declare -A m
for side in write read; do
  for f in ms peak_over_base_kb; do
    m=()
    for way in tree pieces; do
      m[$way]=$(for l in "${lines[@]}"; do
        if [[ $l == *"side=$side way=$way "* ]]; then field "$f" "$l"; fi
      done | median)
    done
    ratio=$(awk -v a="${m[pieces]}" -v b="${m[tree]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    summary+=" ${side}_${f}=${m[tree]}->${m[pieces]}(${ratio})"
  done
done
echo "$summary"
echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) host_load=$(cut -d' ' -f1 /proc/loadavg) | $summary" >>"$results"
echo "run-bench.sh: appended to $results"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-bench.sh: config_bench on a generated lbd.conf of SERVICES x DESTS and a copy with one real
# server's weight changed (bench/daemon/gen-lbd.awk), figures appended to RESULTS.
#
#   run-bench.sh CONFIG_BENCH RESULTS SERVICES DESTS
#
# Fails unless the cold plan adds every service and real server and the reload plans exactly one
# write. Timings and memory are reported, not enforced: they depend on the host's load.
set -Eeuo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ $# -eq 4 ]] || { echo "usage: run-bench.sh CONFIG_BENCH RESULTS SERVICES DESTS" >&2; exit 2; }
bench=$1 results=$2 services=$3 dests=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gen="$here/../daemon/gen-lbd.awk"
awk -v services="$services" -v dests="$dests" -f "$gen" >"$work/lbd.conf"
awk -v services="$services" -v dests="$dests" -v bump=1 -f "$gen" >"$work/changed.conf"
line=$("$bench" "$work/lbd.conf" "$work/changed.conf" --results "$results" --label "config ${services}x${dests}")
echo "$line"
echo "run-bench.sh: appended to $results"
field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$line"; }
want=$((services + services * dests))
rc=0
[[ $(field cold_ops) == "$want" ]] || { echo "FAIL: the cold plan has $(field cold_ops) writes, expected $want" >&2; rc=1; }
[[ $(field reload_ops) == 1 ]] || { echo "FAIL: the one-line reload planned $(field reload_ops) writes, expected 1" >&2; rc=1; }
exit "$rc"

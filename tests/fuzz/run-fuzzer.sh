#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs a libFuzzer binary for a bounded time, seeded by the checked-in corpus; new inputs go to a
# scratch corpus in the build tree so the source tree stays clean.
# usage: run-fuzzer.sh BINARY SEED_CORPUS WORK_DIR SECONDS
set -eu
bin=$1 seeds=$2 work=$3 secs=$4
mkdir -p "$work"
exec "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$work" "$seeds"

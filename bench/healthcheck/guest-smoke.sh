# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# Smoke variant for CI: 20 real servers for 3 s, both placements (2 CPUs); proves the comparison
# still runs (no ratio check).
HC_TARGETS=20 HC_SECONDS=3
export HC_TARGETS HC_SECONDS
. /ktest/guest-compare.sh

# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# The full comparison: 1,000 real servers, 10 s per checker, type and placement; the median ratio
# of 3 rounds with the servers on their own CPU must be <= 0.5.
HC_TARGETS=1000 HC_SECONDS=10 HC_ROUNDS=3 HC_MAX_RATIO=0.5
export HC_TARGETS HC_SECONDS HC_ROUNDS HC_MAX_RATIO
. /ktest/guest-compare.sh

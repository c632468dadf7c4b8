# shellcheck shell=sh
# The full comparison: 1,000 real servers, 10 s per checker and type, ratio must be <= 0.5.
HC_TARGETS=1000 HC_SECONDS=10 HC_MAX_RATIO=0.5
export HC_TARGETS HC_SECONDS HC_MAX_RATIO
. /ktest/guest-compare.sh

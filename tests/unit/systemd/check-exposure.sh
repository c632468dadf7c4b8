#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Asserts the unit's systemd exposure score stays at or below the limit, and prints Debian
# keepalived's score beside it when its unit is installed.
# usage: check-exposure.sh UNIT_FILE LIMIT
set -eu
unit=$1 limit=$2
command -v systemd-analyze >/dev/null || { echo "FAIL: systemd-analyze missing"; exit 1; }
score() {
  systemd-analyze security --offline=true "$1" 2>/dev/null |
    sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p'
}
ours=$(score "$unit")
[ -n "$ours" ] || { echo "FAIL: no exposure score for $unit"; exit 1; }
for k in /lib/systemd/system/keepalived.service /usr/lib/systemd/system/keepalived.service; do
  if [ -f "$k" ]; then echo "keepalived.service exposure: $(score "$k")"; break; fi
done
echo "lbd.service exposure: $ours (limit $limit)"
awk -v s="$ours" -v l="$limit" 'BEGIN { exit !(s <= l) }' || { echo "FAIL: exposure $ours > $limit"; exit 1; }

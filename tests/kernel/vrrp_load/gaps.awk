# SPDX-License-Identifier: GPL-2.0-or-later
# gaps.awk: the gaps between consecutive VRRP adverts of one sender, from vip_prober's output
# (bench/vrrp/vip_prober.cpp: "RECV_MONOTONIC_NS A SOURCE_MAC PRIORITY" per advert heard).
#
#   awk -v mac=02:00:00:00:00:03 -v from=NS -v to=NS -f gaps.awk prober.out | sort -n | awk -f gap-stats.awk
#
# Prints one gap in milliseconds per line: every gap between two consecutive adverts of `mac` that
# overlaps the window [from, to] (also the one that spans its start), and the open gap from the
# last advert to `to` (a sender that stalled at the end of the window). No advert at all in the
# window prints the window's length. Times are CLOCK_MONOTONIC ns (the guest's /proc/uptime).
$2 == "A" && $3 == mac {
  t = $1 + 0
  if (t > to) { if (last != "" && last < to) { printf "%.1f\n", (t - last) / 1e6; closed = 1 } exit }
  if (last != "" && t > from) printf "%.1f\n", (t - last) / 1e6
  last = t
  next
}
END {
  if (closed) exit 0
  if (last == "") printf "%.1f\n", (to - from) / 1e6
  else if (last < to) printf "%.1f\n", (to - (last > from ? last : from)) / 1e6
}

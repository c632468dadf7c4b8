# SPDX-License-Identifier: GPL-2.0-or-later
# gen-services.awk: the [[virtual_server]] part of an lbd.conf for the VRRP-under-load test and
# benchmark (the caller writes [global] and [[vrrp]] in front of it).
#
#   awk -v services=2000 -v dests=10 [-v bump=1] [-v heavy=N] \
#       [-v checked=N -v check_to=IP:PORT -v check_interval=2s] -f gen-services.awk
#
# Service i is TCP 10.1.0.0+i : 80, wlc, with `dests` NAT real servers on port 8080 at
# 10.128.0.0 + i*dests + d, weight 1, no health check (type none: always up): the table of
# bench/ipvs/gen-table.awk. Options:
#   bump=1     the last real server of the last service has weight 2 (a one-line change)
#   heavy=N    every real server of the first N services has weight 2 (N x dests changed lines)
#   checked=N  every real server of the last N services gets a TCP check against check_to (one
#              listener the caller can stop, so that N x dests servers fail at once)
# Runs under busybox awk.

function ip(base_b, n) {
  return "10." (base_b + int(n / 65536)) "." (int(n / 256) % 256) "." (n % 256)
}

BEGIN {
  if (services < 1 || dests < 1) {
    print "gen-services.awk: need -v services=N (>0) -v dests=N (>0)" > "/dev/stderr"
    exit 2
  }
  if (checked > 0 && check_to == "") {
    print "gen-services.awk: checked=N needs check_to=IP:PORT" > "/dev/stderr"
    exit 2
  }
  if (check_interval == "") check_interval = "2s"
  for (i = 0; i < services; i++) {
    printf "\n[[virtual_server]]\nname = \"s%d\"\naddress = \"%s:80\"\nscheduler = \"wlc\"\n", i, ip(1, i)
    if (checked > 0 && i >= services - checked)
      printf "check = { type = \"tcp\", connect_to = \"%s\", interval = \"%s\", timeout = \"1s\", rise = 1, fall = 1 }\n", check_to, check_interval
    for (d = 0; d < dests; d++) {
      printf "[[virtual_server.real_server]]\naddress = \"%s:8080\"\n", ip(128, i * dests + d)
      if (i < heavy || (bump && i == services - 1 && d == dests - 1)) printf "weight = 2\n"
    }
  }
  exit 0
}

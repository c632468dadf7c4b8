# SPDX-License-Identifier: GPL-2.0-or-later
# gen-lbd.awk: the table of bench/ipvs/gen-table.awk as an lbd.conf, for the daemon benchmarks.
#
#   awk -v services=10000 -v dests=10 [-v policy=remove] [-v socket=/run/lbd.sock] [-v bump=1] -f gen-lbd.awk
#
# Service i is TCP 10.1.0.0+i : 80, wlc, with `dests` NAT real servers on port 8080 at
# 10.128.0.0 + i*dests + d, weight 1, no health check (type none: always up), exactly the entries
# gen-table.awk's keepalived and ipvsadm formats program. `bump=1` gives the last real server of the
# last service weight 2: a one-line change. Runs under busybox awk.

function ip(base_b, n) {
  return "10." (base_b + int(n / 65536)) "." (int(n / 256) % 256) "." (n % 256)
}

BEGIN {
  if (services < 1 || dests < 0) {
    print "gen-lbd.awk: need -v services=N (>0) -v dests=N (>=0)" > "/dev/stderr"
    exit 2
  }
  printf "[global]\nexit_policy = \"%s\"\nreconcile_interval = \"1h\"\nlog_level = \"warning\"\n", (policy ? policy : "remove")
  if (socket) printf "control_socket = \"%s\"\n", socket
  for (i = 0; i < services; i++) {
    printf "\n[[virtual_server]]\nname = \"s%d\"\naddress = \"%s:80\"\nscheduler = \"wlc\"\n", i, ip(1, i)
    for (d = 0; d < dests; d++) {
      printf "[[virtual_server.real_server]]\naddress = \"%s:8080\"\n", ip(128, i * dests + d)
      if (bump && i == services - 1 && d == dests - 1) printf "weight = 2\n"
    }
  }
  exit 0
}

# SPDX-License-Identifier: GPL-2.0-or-later
# gen-keepalived.awk: the virtual servers of tests/kernel/vrrp_load/gen-services.awk as keepalived
# configuration (the caller writes global_defs and vrrp_instance in front of it), same options:
#
#   awk -v services=10000 -v dests=10 [-v bump=1] [-v heavy=N] [-v checked=N -v check_ip=IP -v check_port=P \
#       -v check_interval=5] -f gen-keepalived.awk
#
# Real servers of checked services get TCP_CHECK against check_ip:check_port (delay_loop
# check_interval s, connect_timeout 1 s, retry 0: down at the first failure, like lbd's fall = 1);
# the others have no checker and are always up. Runs under busybox awk.

function ip(base_b, n) {
  return "10." (base_b + int(n / 65536)) "." (int(n / 256) % 256) "." (n % 256)
}

BEGIN {
  if (services < 1 || dests < 1) {
    print "gen-keepalived.awk: need -v services=N (>0) -v dests=N (>0)" > "/dev/stderr"
    exit 2
  }
  if (check_interval == "") check_interval = 2
  for (i = 0; i < services; i++) {
    chk = checked > 0 && i >= services - checked
    printf "virtual_server %s 80 {\n  lb_algo wlc\n  lb_kind NAT\n  protocol TCP\n", ip(1, i)
    if (chk) printf "  delay_loop %s\n", check_interval
    for (d = 0; d < dests; d++) {
      w = (i < heavy || (bump && i == services - 1 && d == dests - 1)) ? 2 : 1
      printf "  real_server %s 8080 {\n    weight %d\n", ip(128, i * dests + d), w
      if (chk)
        printf "    TCP_CHECK {\n      connect_ip %s\n      connect_port %s\n      connect_timeout 1\n      retry 0\n    }\n", check_ip, check_port
      printf "  }\n"
    }
    printf "}\n"
  }
  exit 0
}

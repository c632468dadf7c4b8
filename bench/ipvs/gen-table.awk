# SPDX-License-Identifier: GPL-2.0-or-later
# gen-table.awk: one synthetic IPVS table in the three formats the IPVS benchmark feeds its
# contenders, so that each of them programs exactly the same kernel entries.
#
#   awk -v services=10000 -v dests=10 -v format=json|keepalived|ipvsadm [-v bump=1] -f gen-table.awk
#
# Service i (0-based) is TCP 10.1.0.0+i : 80, scheduler wlc, with `dests` NAT destinations on port
# 8080 whose addresses are all distinct: 10.128.0.0 + i*dests + d. Distinct addresses keep the
# kernel's real-server hash chains as short as in a real deployment. `bump=1` gives the last
# destination of the last service weight 2 instead of 1: a one-destination change.
# Runs under busybox awk in the guest as well as gawk/mawk on a host.

function ip(base_b, n) {
  return "10." (base_b + int(n / 65536)) "." (int(n / 256) % 256) "." (n % 256)
}

BEGIN {
  if (services < 1 || dests < 0 || (format != "json" && format != "keepalived" && format != "ipvsadm")) {
    print "gen-table.awk: need -v services=N (>0) -v dests=N (>=0) -v format=json|keepalived|ipvsadm" > "/dev/stderr"
    exit 2
  }
  if (format == "json") printf "{\"services\": [\n"
  if (format == "keepalived") printf "global_defs {\n  router_id lbd_bench\n}\n"
  for (i = 0; i < services; i++) {
    vip = ip(1, i)
    if (format == "json") {
      printf "%s{\"protocol\": \"tcp\", \"address\": \"%s:80\", \"scheduler\": \"wlc\", \"destinations\": [", (i ? ",\n" : ""), vip
    } else if (format == "keepalived") {
      printf "virtual_server %s 80 {\n  lb_algo wlc\n  lb_kind NAT\n  protocol TCP\n", vip
    } else {
      printf "-A -t %s:80 -s wlc\n", vip
    }
    for (d = 0; d < dests; d++) {
      rip = ip(128, i * dests + d)
      w = (bump && i == services - 1 && d == dests - 1) ? 2 : 1
      if (format == "json") {
        printf "%s{\"address\": \"%s:8080\", \"forwarding\": \"masq\", \"weight\": %d}", (d ? ", " : ""), rip, w
      } else if (format == "keepalived") {
        printf "  real_server %s 8080 {\n    weight %d\n  }\n", rip, w
      } else {
        printf "-a -t %s:80 -r %s:8080 -m -w %d\n", vip, rip, w
      }
    }
    if (format == "json") printf "]}"
    if (format == "keepalived") printf "}\n"
  }
  if (format == "json") printf "\n]}\n"
  exit 0
}

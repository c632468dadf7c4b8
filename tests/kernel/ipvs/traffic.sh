# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# kernel_ipvs_traffic: HTTP through services lbd's IPVS client programmed, NAT and DR, two real
# servers each under round robin, counters moving; a second apply of the same table writes nothing.
#
# NAT: client 10.10.0.2 --veth-- [director] --veth-- rs1 10.20.1.2 / rs2 10.20.2.2 (default route via
#      the director), VIP 10.10.0.100:80.
# DR:  one bridge br0 in the director: director 10.30.0.1, client 10.30.0.2, rs3/rs4 10.30.0.13/.14
#      holding the VIP 10.30.0.100 on lo with arp_ignore=1, arp_announce=2; VIP2 10.30.0.100:80.
. /usr/lib/ktest/lib.sh

LBD=/usr/local/bin/lbd-ipvs
W=/tmp/traffic
mkdir -p $W
NAT_VIP=10.10.0.100
DR_VIP=10.30.0.100

kt_nat_topology $NAT_VIP
kt_dr_topology $DR_VIP drclient 13 rs3 rs4
kt_log "topologies ready"

cat >$W/table.json <<JSON
{"services": [
 {"protocol": "tcp", "address": "$NAT_VIP:80", "scheduler": "rr",
  "destinations": [{"address": "10.20.1.2:80", "forwarding": "masq", "weight": 1},
                   {"address": "10.20.2.2:80", "forwarding": "masq", "weight": 1}]},
 {"protocol": "tcp", "address": "$DR_VIP:80", "scheduler": "rr",
  "destinations": [{"address": "10.30.0.13:80", "forwarding": "droute", "weight": 1},
                   {"address": "10.30.0.14:80", "forwarding": "droute", "weight": 1}]}]}
JSON

write_ops() { sed -n 's/^write ops: \([0-9]*\) errors: 0$/\1/p' "$1"; }

$LBD apply $W/table.json >$W/apply1.out 2>&1 || kt_die "lbd-ipvs apply: $(cat $W/apply1.out)"
kt_expect_eq "write ops to program 2 services x 2 destinations" 6 "$(write_ops $W/apply1.out)"
ipvsadm -Ln

kt_expect_alternation NAT client http://$NAT_VIP/ RS1 RS2
kt_expect_alternation DR drclient http://$DR_VIP/ RS3 RS4

# Counters reach netlink through the 2 s estimator: poll, and read them through lbd's own client.
lbd_conns() {  # SERVICE -> connections as `lbd-ipvs list --stats` (ipvsadm's layout) reports them
  $LBD list --stats 2>/dev/null | awk -v svc="$1" '$1 == "TCP" && $2 == svc { print $3 }'
}
conns_are() { [ "$(lbd_conns "$1")" = "$2" ]; }
for svc in $NAT_VIP:80 $DR_VIP:80; do
  if kt_wait_for 10 conns_are $svc 4; then
    kt_pass "$svc: 4 connections counted, read back by lbd-ipvs"
  else
    kt_fail "$svc: connections '$(lbd_conns $svc)' after 10 s, expected 4 ($($LBD list --stats | tr '\n' '|'))"
  fi
done
kt_expect_eq "NAT rs1 connections" 2 "$(kt_ipvs_stat conns TCP $NAT_VIP:80 10.20.1.2:80)"
kt_expect_eq "DR rs3 connections" 2 "$(kt_ipvs_stat conns TCP $DR_VIP:80 10.30.0.13:80)"
kt_check "NAT replies pass back through the director" [ "$(kt_ipvs_stat outpkts TCP $NAT_VIP:80)" -gt 0 ]
kt_expect_eq "DR replies bypass the director" 0 "$(kt_ipvs_stat outpkts TCP $DR_VIP:80)"

# An operator's listing: lbctl prints what ipvsadm prints (the counters are settled by now).
for opts in "" "--stats"; do
  # shellcheck disable=SC2086
  /usr/local/bin/lbctl ipvs $opts >$W/lbctl.txt 2>&1
  # shellcheck disable=SC2086
  ipvsadm -Ln $opts >$W/ipvsadm.txt 2>&1
  if cmp -s $W/lbctl.txt $W/ipvsadm.txt; then
    kt_pass "lbctl ipvs $opts matches ipvsadm -Ln $opts"
  else
    kt_fail "lbctl ipvs $opts differs from ipvsadm: $(diff $W/ipvsadm.txt $W/lbctl.txt | tr '\n' '|')"
  fi
done

# Restart without flush: the kernel already matches, so nothing is written.
$LBD apply $W/table.json >$W/apply2.out 2>&1 || kt_die "second apply: $(cat $W/apply2.out)"
kt_expect_eq "write ops when the kernel already matches" 0 "$(write_ops $W/apply2.out)"
kt_expect_alternation "NAT after the second apply" client http://$NAT_VIP/ RS1 RS2

kt_finish

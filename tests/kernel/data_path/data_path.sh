# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# kernel_data_path_check: health checks sent through the data path for DR real servers.
#
# The DR lab (kt_dr_topology): director 10.30.0.1 on br0 in the guest's root namespace, real servers
# rs1 10.30.0.11 and rs2 10.30.0.12 (httpd on port 80, arp_ignore=1 and arp_announce=2). rs1 holds
# the VIP on lo, rs2 does not: it drops every packet sent to the VIP, as a DR server set up wrong.
# Service web (VIP:80, dr) checks each server three ways: a plain tcp check of its own address, and
# a tcp and an http check through the data path (data_path = true).
#
#  1. Director without the VIP (a BACKUP): both plain checks pass; rs2's data-path checks fail, so
#     rs2 stays out of VIP:80 while rs1 is in; each server has its own fwmark service (lbd's, with
#     the server alone at weight 1, rs2 too); lbctl checks names the route of each data-path check.
#  2. The VIP on rs2's lo: rs2 comes in.
#  3. The director holds the VIP (a MASTER). Without accept_local the servers' replies, from the
#     VIP, are dropped as martians: the data-path checks fail (what lbd.conf(5) says to set). With
#     accept_local=1 (rp_filter loose, as Debian has it) both servers are back; rs2 without the VIP
#     leaves again, and comes back with it.
# shellcheck disable=SC1091 # the guest helpers, tests/kernel/harness/guest-lib.sh
. /usr/lib/ktest/lib.sh

LBD=/usr/local/bin/lbd
LBCTL=/usr/local/bin/lbctl
W=/tmp/data-path
mkdir -p $W
VIP=10.30.0.100
RS1=10.30.0.11
RS2=10.30.0.12

kt_dr_topology $VIP client 11 rs1 rs2
ip addr del "$VIP/32" dev br0 || kt_die "the director must start without the VIP"
ip -n rs2 addr del "$VIP/32" dev lo || kt_die "removing the VIP from rs2's lo"
for conf in all br0; do sysctl -q -w "net.ipv4.conf.$conf.rp_filter=2" || kt_die "rp_filter on $conf"; done
kt_log "topology ready: rs1 holds the VIP on lo, rs2 does not"

cat >$W/lbd.conf <<CONF
[global]
control_socket = "/run/lbd.sock"
reconcile_interval = "5s"

[[virtual_server]]
name = "web"
address = "$VIP:80"
scheduler = "rr"
forwarding = "dr"
check = [
  { type = "tcp", interval = "1s", timeout = "800ms", rise = 1, fall = 2 },
  { type = "tcp", data_path = true, interval = "1s", timeout = "800ms", rise = 1, fall = 2 },
  { type = "http", data_path = true, path = "/", interval = "1s", timeout = "800ms", rise = 1, fall = 2 },
]
[[virtual_server.real_server]]
address = "$RS1"
[[virtual_server.real_server]]
address = "$RS2"
CONF

# ------------------------------------------------------------------------------------ helpers
dests() { ipvsadm -Ln -t "$VIP:80" 2>/dev/null | awk '$1 == "->" && $2 != "RemoteAddress:Port" {print $2, $4}'; }
in_service() { dests | grep -q "^$1:80 "; }
out_of_service() { ! in_service "$1"; }
# fwmark_services: "mark address weight forwarding" per fwmark service and its destination.
fwmark_services() {
  ipvsadm -Ln | awk '$1 == "FWM" {m = $2} $1 == "->" && m != "" && $2 != "RemoteAddress:Port" {print m, $2, $4, $3}'
}
in_fwmark_service() { fwmark_services | grep -q " $1:80 1 Route$"; }
checks() { $LBCTL -s /run/lbd.sock checks 2>&1; }
names_route() { checks | grep -q "^tcp $VIP:80 via $1 fwmark [0-9]"; }
# json_names_route SERVER: lbctl checks --json has the check's data_path member (protocol 1.3).
json_names_route() {
  $LBCTL -s /run/lbd.sock checks --json | tr -d ' \n' | grep -q "\"data_path\":{\"fwmark\":[0-9]*,\"real_server\":\"$1\"}"
}
# status_of TYPE TARGET [VIA]: the status lbctl shows for a check (VIA: a data-path check's server).
status_of() {
  checks | awk -v t="$1" -v a="$2" -v via="$3" '
    $1 == t && $2 == a && via == "" && $3 != "via" {print $3}
    $1 == t && $2 == a && via != "" && $3 == "via" && $4 == via {print $7}'
}
status_is() { [ "$(status_of "$1" "$2" "$3")" = "$4" ]; }
both_data_path_checks() { status_is tcp "$VIP:80" "$1" "$2" && status_is http "$VIP:80" "$1" "$2"; }
show() { echo "--- $1"; ipvsadm -Ln; checks; }

# ------------------------------------------------------------------------------------ 1. BACKUP
$LBD -f $W/lbd.conf >$W/lbd.log 2>&1 &
LBD_PID=$!
kt_wait_for 30 in_service $RS1 || kt_die "rs1 never entered VIP:80: $(dests | tr '\n' '|'); $(tail -n 5 $W/lbd.log)"
kt_pass "director without the VIP: rs1 (VIP on lo) is in VIP:80"
kt_wait_for 20 status_is tcp "$RS1:80" "" up || kt_fail "rs1's plain check is not up: $(checks)"
kt_wait_for 20 status_is tcp "$RS2:80" "" up || kt_fail "rs2's plain check is not up: $(checks)"
kt_wait_for 20 both_data_path_checks $RS2 down || kt_fail "rs2's data-path checks are not down: $(checks)"
kt_check "both plain checks pass" status_is tcp "$RS2:80" "" up
kt_check "rs1's data-path checks pass" both_data_path_checks $RS1 up
kt_check "rs2 (no VIP on lo) is out of VIP:80 though its plain check passes" out_of_service $RS2
show "director without the VIP, rs2 without the VIP"
kt_expect_eq "fwmark services of lbd" 2 "$(fwmark_services | grep -c .)"
kt_check "rs1 alone in its fwmark service at weight 1, direct routing" in_fwmark_service $RS1
kt_check "rs2, out of VIP:80, still in its fwmark service at weight 1" in_fwmark_service $RS2
kt_check "lbctl checks names the route of a data-path check" names_route $RS2
kt_check "lbctl checks --json gives its mark and real server" json_names_route $RS2

# ------------------------------------------------------------------------------------ 2. VIP on rs2
ip -n rs2 addr add "$VIP/32" dev lo || kt_die "adding the VIP to rs2's lo"
T0=$(kt_now_cs)
if kt_wait_for 20 in_service $RS2; then
  kt_pass "the VIP on rs2's lo brings it into VIP:80 after $(($(kt_now_cs) - T0)) cs"
else
  kt_fail "rs2 did not enter VIP:80: $(dests | tr '\n' '|'); $(checks)"
fi

# ------------------------------------------------------------------------------------ 3. MASTER
ip addr add "$VIP/32" dev br0 || kt_die "the director takes the VIP"
sysctl -q -w net.ipv4.conf.all.accept_local=0 net.ipv4.conf.br0.accept_local=0
if kt_wait_for 20 both_data_path_checks $RS1 down; then
  kt_pass "director holding the VIP without accept_local: the data-path checks fail (replies from the VIP are martians)"
else
  kt_fail "data-path checks still pass without accept_local: $(checks)"
fi
sysctl -q -w net.ipv4.conf.br0.accept_local=1 || kt_die "accept_local on br0"
if kt_wait_for 20 in_service $RS1 && kt_wait_for 20 in_service $RS2; then
  kt_pass "director holding the VIP, accept_local=1 and rp_filter=2 on br0: both servers in VIP:80"
else
  kt_fail "with accept_local the servers did not come back: $(dests | tr '\n' '|'); $(checks)"
fi
kt_check "rs1's data-path checks pass on the master" both_data_path_checks $RS1 up
ip -n rs2 addr del "$VIP/32" dev lo || kt_die "removing the VIP from rs2's lo again"
kt_wait_for 20 out_of_service $RS2 || kt_fail "rs2 without the VIP stayed in VIP:80 on the master: $(checks)"
kt_check "rs2's plain check still passes" status_is tcp "$RS2:80" "" up
kt_check "rs1 stays in" in_service $RS1
kt_pass "master: rs2 without the VIP is out of VIP:80"
ip -n rs2 addr add "$VIP/32" dev lo || kt_die "adding the VIP to rs2's lo again"
kt_wait_for 20 in_service $RS2 || kt_fail "rs2 did not come back on the master: $(checks)"
kt_pass "master: rs2 with the VIP is back in VIP:80"
show "end"

# ------------------------------------------------------------------------------------ end
kill -TERM $LBD_PID
kt_wait_for 20 kt_not_running $LBD_PID || kt_fail "lbd still runs 20 s after SIGTERM"
grep -i "data-path\|fwmark" $W/lbd.log | head -n 5
kt_stop_all
kt_finish

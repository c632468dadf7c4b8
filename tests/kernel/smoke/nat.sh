# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# kernel_smoke: IPVS NAT with round robin, programmed by ipvsadm, traffic through real namespaces.
#
#   client 10.10.0.2 --veth-- [guest root ns = director] --veth-- rs1 10.20.1.2 (httpd "RS1")
#                             10.10.0.1, VIP 10.10.0.100 --veth-- rs2 10.20.2.2 (httpd "RS2")
. /usr/lib/ktest/lib.sh

VIP=10.10.0.100
SVC=$VIP:80

kt_nat_topology $VIP

kt_log "namespaces and real servers ready"
ipvsadm -A -t $SVC -s rr || kt_die "ipvsadm -A"
ipvsadm -a -t $SVC -r 10.20.1.2:80 -m || kt_die "ipvsadm -a rs1"
ipvsadm -a -t $SVC -r 10.20.2.2:80 -m || kt_die "ipvsadm -a rs2"
ipvsadm -Ln

kt_expect_alternation "through the VIP" client http://$VIP/ RS1 RS2

# Counters reach netlink only through the 2 s estimator timer: poll, do not read once.
kt_expect_service_conns TCP $SVC 4
ipvsadm -Ln --stats --exact
kt_expect_eq "rs1 connections" 2 "$(kt_ipvs_stat conns TCP $SVC 10.20.1.2:80)"
kt_expect_eq "rs2 connections" 2 "$(kt_ipvs_stat conns TCP $SVC 10.20.2.2:80)"
# NAT carries both directions through the director.
kt_check "inbound packets counted" [ "$(kt_ipvs_stat inpkts TCP $SVC)" -gt 0 ]
kt_check "outbound packets counted" [ "$(kt_ipvs_stat outpkts TCP $SVC)" -gt 0 ]

ipvsadm -d -t $SVC -r 10.20.2.2:80 || kt_fail "ipvsadm -d rs2"
answers=''
for _ in 1 2 3 4; do answers="$answers $(kt_fetch client http://$VIP/)"; done
kt_expect_eq "answers after removing rs2" " RS1 RS1 RS1 RS1" "$answers"

kt_finish

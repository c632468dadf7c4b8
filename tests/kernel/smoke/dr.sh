# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# kernel_smoke_dr: IPVS direct routing with round robin, programmed by ipvsadm.
#
# One L2 segment, a bridge in the guest's root namespace (the director):
#   director br0 10.30.0.1, VIP 10.30.0.100/32
#   client   10.30.0.2, host route to the VIP via the director
#   rs1/rs2  10.30.0.11/.12, VIP on lo, arp_ignore=1 arp_announce=2, httpd "RS1"/"RS2"
# The director rewrites only the destination MAC; replies go from the real servers straight to the
# client, so the director counts inbound packets only. Forwarding stays off on the director to
# prove that no reply is routed through it.
. /usr/lib/ktest/lib.sh

VIP=10.30.0.100
SVC=$VIP:80

kt_dr_topology $VIP client 11 rs1 rs2
# Forwarding stays off: no reply may be routed through the director.
echo 0 >/proc/sys/net/ipv4/ip_forward

kt_log "namespaces and real servers ready"
ipvsadm -A -t $SVC -s rr || kt_die "ipvsadm -A"
ipvsadm -a -t $SVC -r 10.30.0.11:80 -g || kt_die "ipvsadm -a rs1"
ipvsadm -a -t $SVC -r 10.30.0.12:80 -g || kt_die "ipvsadm -a rs2"
ipvsadm -Ln

kt_expect_alternation "through the VIP" client http://$VIP/ RS1 RS2

kt_expect_service_conns TCP $SVC 4
ipvsadm -Ln --stats --exact
kt_expect_eq "rs1 connections" 2 "$(kt_ipvs_stat conns TCP $SVC 10.30.0.11:80)"
kt_expect_eq "rs2 connections" 2 "$(kt_ipvs_stat conns TCP $SVC 10.30.0.12:80)"
kt_check "inbound packets counted" [ "$(kt_ipvs_stat inpkts TCP $SVC)" -gt 0 ]
kt_expect_eq "outbound packets through the director (DR replies bypass it)" 0 "$(kt_ipvs_stat outpkts TCP $SVC)"

# Only the director may answer ARP for the VIP on the segment.
director_mac=$(cat /sys/class/net/br0/address)
arp_macs=$(kt_in client arping -c 2 -w 2 -I eth0 $VIP 2>/dev/null |
  sed -n 's/.*reply from [0-9.]* \[\([0-9a-fA-F:]*\)\].*/\1/p' | tr 'A-F' 'a-f' | sort -u | tr '\n' ' ')
kt_expect_eq "MACs answering ARP for the VIP" "$director_mac " "$arp_macs"

kt_finish

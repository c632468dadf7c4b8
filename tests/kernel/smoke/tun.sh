# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# kernel_smoke_tun: IPVS tunnelling (IPIP) with round robin, programmed by ipvsadm.
#
# Same segment as kernel_smoke_dr (bridge br0 in the director's namespace, client routes the VIP
# via the director), but the director wraps each request in IPIP to the real server's own address;
# the real servers hold the VIP on tunl0, unwrap, and answer the client directly.
. /usr/lib/ktest/lib.sh

VIP=10.30.0.100
SVC=$VIP:80

ip link add br0 type bridge forward_delay 0 || kt_die "creating the bridge"
ip link set br0 up
ip addr add 10.30.0.1/24 dev br0
ip addr add $VIP/32 dev br0
echo 0 >/proc/sys/net/ipv4/ip_forward

kt_netns client && kt_netns rs1 && kt_netns rs2 || kt_die "creating namespaces"
for ns in client rs1 rs2; do
  kt_veth - "p-$ns" "$ns" eth0 || kt_die "veth for $ns"
  ip link set "p-$ns" master br0 || kt_die "enslaving p-$ns"
done
ip -n client addr add 10.30.0.2/24 dev eth0
ip -n client route add $VIP/32 via 10.30.0.1
n=11
for ns in rs1 rs2; do
  ip -n $ns addr add 10.30.0.$n/24 dev eth0
  # The ipip module gives every namespace a tunl0 that decapsulates what is sent to it.
  ip -n $ns link set tunl0 up || kt_die "tunl0 in $ns"
  ip -n $ns addr add $VIP/32 dev tunl0
  # The unwrapped packets arrive on tunl0 from a source routed via eth0: no reverse-path filter.
  for conf in all tunl0; do
    kt_in $ns sysctl -q -w net.ipv4.conf.$conf.rp_filter=0 || kt_die "rp_filter in $ns"
  done
  for conf in all eth0; do
    kt_in $ns sysctl -q -w net.ipv4.conf.$conf.arp_ignore=1 net.ipv4.conf.$conf.arp_announce=2 ||
      kt_die "arp sysctls in $ns"
  done
  n=$((n + 1))
done

kt_httpd rs1 0.0.0.0 80 RS1 || kt_die "httpd in rs1 does not listen"
kt_httpd rs2 0.0.0.0 80 RS2 || kt_die "httpd in rs2 does not listen"

kt_log "namespaces and real servers ready"
ipvsadm -A -t $SVC -s rr || kt_die "ipvsadm -A"
ipvsadm -a -t $SVC -r 10.30.0.11:80 -i || kt_die "ipvsadm -a rs1"
ipvsadm -a -t $SVC -r 10.30.0.12:80 -i || kt_die "ipvsadm -a rs2"
ipvsadm -Ln

kt_expect_alternation "through the VIP" client http://$VIP/ RS1 RS2

kt_expect_service_conns TCP $SVC 4
ipvsadm -Ln --stats --exact
kt_expect_eq "outbound packets through the director (replies bypass it)" 0 "$(kt_ipvs_stat outpkts TCP $SVC)"
# Every request really arrived wrapped: the real servers' tunl0 counted the packets.
for ns in rs1 rs2; do
  rx=$(kt_in $ns cat /sys/class/net/tunl0/statistics/rx_packets)
  kt_check "$ns received IPIP packets on tunl0 ($rx)" [ "$rx" -gt 0 ]
done

kt_finish

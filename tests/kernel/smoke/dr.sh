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
  ip -n $ns addr add $VIP/32 dev lo
  # Never answer ARP for the VIP (it sits on lo) and never use it as an ARP source.
  for conf in all eth0; do
    kt_in $ns sysctl -q -w net.ipv4.conf.$conf.arp_ignore=1 net.ipv4.conf.$conf.arp_announce=2 ||
      kt_die "arp sysctls in $ns"
  done
  n=$((n + 1))
done

# httpd binds the wildcard address: the real servers must accept connections to the VIP.
kt_httpd rs1 0.0.0.0 80 RS1 || kt_die "httpd in rs1 does not listen"
kt_httpd rs2 0.0.0.0 80 RS2 || kt_die "httpd in rs2 does not listen"

kt_log "namespaces and real servers ready"
ipvsadm -A -t $SVC -s rr || kt_die "ipvsadm -A"
ipvsadm -a -t $SVC -r 10.30.0.11:80 -g || kt_die "ipvsadm -a rs1"
ipvsadm -a -t $SVC -r 10.30.0.12:80 -g || kt_die "ipvsadm -a rs2"
ipvsadm -Ln

answers=''
for _ in 1 2 3 4; do answers="$answers $(kt_fetch client http://$VIP/)"; done
kt_log "answers through the VIP:$answers"
case "$answers" in
  " RS1 RS2 RS1 RS2" | " RS2 RS1 RS2 RS1") kt_pass "round robin alternates between rs1 and rs2" ;;
  *) kt_fail "expected RS1/RS2 alternating, got:$answers" ;;
esac

if kt_wait_for 10 kt_ipvs_stat_is 4 conns TCP $SVC; then
  kt_pass "service counted 4 connections"
else
  kt_fail "service connection counter is '$(kt_ipvs_stat conns TCP $SVC)' after 10 s, expected 4"
fi
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

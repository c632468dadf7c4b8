# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh disable=SC1091
# kernel_anycast: active/active directors over BGP. Three directors run lbd, which holds the VIP on
# lo and announces a /32 route through its TUN device while its services are healthy ([[anycast]]);
# each director's BIRD learns that route from the kernel and announces it over eBGP (with BFD) to an
# upstream BIRD router, which installs one multipath route with a next hop per announcing director
# and hashes flows on ports (fib_multipath_hash_policy=1). The services are DR, scheduler mh (with
# mh-port) over the same real servers on every director, and lbd sets sloppy_tcp: a flow that the
# router moves to another director mid-connection is picked up there and sent to the same real
# server. Lab: anycast-lib.sh.
#
# (1) all three directors carry short connections (each >= 25 % of 450); (2) d1's lbd SIGKILLed: its
# route leaves the router (the device dies with lbd), the long-lived flows survive, those through d1
# included; (3) d1's lbd restarted: it announces again and no flow breaks; (5) d3's checks fail (nft
# drops its probes): d3 alone withdraws; checks back, it announces again; (6) d2's lbd SIGTERMed: the
# router loses d2's next hop before d2's IPVS service goes (anycast_stop_delay), and the flows
# survive; (7, last) d3's link cut: BFD withdraws it, flows survive; link back, none breaks. Also checked:
# the echo service's real servers in the same kernel order on every director (mh's table depends on
# it). FIGURE lines with the shares, withdrawal times and survivors; one KTEST-FIGURES line.
# First runs (lbd of 2026-12-07, idle host, 45-50 s wall): shares 140-159 of 450 each; withdrawal
# at the router 0.10-0.16 s after SIGKILL, 0.34-0.69 s after the link cut (BFD), 1.6-1.9 s after the
# checks began to fail; all flows survived every move; SIGTERM: route gone after 0.11-0.13 s, service
# 2.98-3.13 s later. Failing then: the real servers' order differed between directors in most runs
# (lbd adds them in the order their checks pass), and under host load d2's checks stayed down after
# the link came back (probes time out while their connections are established).
. "$KT_DIR/anycast-lib.sh"

# 450: with three equal paths, P(a director below 25 %) is about 2e-4 (binomial); 300 gave 2e-3.
SHORT=450
heading "lab: an upstream router, a client behind it, directors d1-d3 and real servers rs1-rs3 on br0"
build_lab
start_bird router
for d in $DIRECTORS; do
  start_bird "$d"
  probe_table "$d"
done
T0=$(kt_now_cs)
for d in $DIRECTORS; do start_lbd "$d"; done
if ! kt_wait_for 90 hops_are d1 d2 d3; then
  diagnose
  kt_die "the router routes $VIP over '$(hops)', not d1, d2 and d3, 90 s after the start"
fi
kt_pass "the router routes $VIP over d1, d2 and d3"
figure start_to_ecmp_ms "$(ms_since "$T0")"
# The link cut of (7) is BFD's to detect (the BGP hold time is 3 s).
kt_check "the router's BFD sessions to d1, d2 and d3 are up" kt_wait_for 30 bfd_up 3
say "the router's route: $(route_of_vip | tr '\n\t' '  ')"
say "lbctl anycast on d1:"
anycast_view d1 | sed 's/^/     /'
for d in $DIRECTORS; do
  kt_expect_eq "$d: net.ipv4.vs.sloppy_tcp" 1 "$(kt_in "$d" cat /proc/sys/net/ipv4/vs/sloppy_tcp)"
  kt_check "$d: $VIP/32 on lo" sh -c "/usr/sbin/ip -n $d -4 addr show dev lo | grep -q 'inet $VIP/32'"
  kt_expect_eq "$d: lbctl anycast" announced "$(group_state "$d")"
  say "$d: lbd's route: $(ip -n "$d" route show proto 245);" \
    "the echo service's real servers: $(dests "$d" "$ECHO_PORT")"
done
same_order "at the start"

# --- (1) -----------------------------------------------------------------------------------------
heading "(1) $SHORT short connections through the VIP: all three directors carry some"
for d in $DIRECTORS; do eval "C0_$d=$(svc_conns "$d" "$HTTP_PORT")"; done
T=$(kt_now_cs)
kt_in client "$FLOW_CLIENT" short "$VIP" "$HTTP_PORT" "$SHORT" 20000 >"$W/short.log" 2>&1
say "answers in $(ms_since "$T") ms: $(tr '\n' ' ' <"$W/short.log")"
OK=$(sed -n 's/^short ok=\([0-9]*\).*/\1/p' "$W/short.log")
kt_expect_eq "short connections answered" "$SHORT" "${OK:-0}"
# The kernel folds its per-CPU counters every 2 s: wait until the directors account for all.
carried() {
  _sum=0
  for _d in $DIRECTORS; do _sum=$((_sum + $(svc_conns "$_d" "$HTTP_PORT") - $(eval "echo \$C0_$_d"))); done
  [ "$_sum" -ge "${OK:-0}" ]
}
kt_check "the directors' IPVS counted the $OK connections" kt_wait_for 10 carried
for d in $DIRECTORS; do
  n=$(($(svc_conns "$d" "$HTTP_PORT") - $(eval "echo \$C0_$d")))
  figure "share_$d" "$n/$OK"
  if [ $((n * 100)) -ge $((25 * OK)) ]; then kt_pass "$d carried $n of $OK (>= 25 %)"; else
    kt_fail "$d carried only $n of $OK (>= 25 % expected)"; fi
done

# --- (2) -----------------------------------------------------------------------------------------
heading "(2) $FLOWS long-lived flows; d1's lbd SIGKILLed"
start_flows
round r1
kt_expect_eq "flows echoing their first line" "$FLOWS" "$(round_ok r1)"
for d in $DIRECTORS; do figure "flows_via_$d" "$(wc -l <"$W/seen-r1-$d")"; done
T=$(kt_now_cs)
kill_lbd d1 KILL
wait_fast 20 lacks_hop d1 || kt_fail "d1's next hop still at the router 20 s after its lbd's SIGKILL"
figure sigkill_withdraw_ms "$(ms_since "$T")"
stop lbd-d1 KILL
expect_hops d2 d3
round r2
survivors r2 r1 sigkill d1

# --- (3) -----------------------------------------------------------------------------------------
heading "(3) d1's lbd restarted with the same configuration: it announces again, no flow breaks"
T=$(kt_now_cs)
start_lbd d1
expect_back d1 "after its restart"
figure restart_announce_ms "$(ms_since "$T")"
# lbd adopts the real servers IPVS still holds as up: when does it announce, relative to the first
# verdict of its restarted checks (negative: before any)?
# (awk -v would eat backslashes: no \[ in these patterns.)
kt_wait_for 10 grep -q 'check.*-> up' "$W/lbd-d1.log"
A=$(log_time_cs lbd-d1 "$T" 'anycast.web. announced')
C=$(log_time_cs lbd-d1 "$T" 'check.*-> up')
[ -z "$A" ] || [ -z "$C" ] || figure restart_announce_minus_first_check_up_ms $(((A - C) * 10))
round r3
none_broke r3 join_d1

# --- (5) -----------------------------------------------------------------------------------------
heading "(5) d3's checks fail (its probes to port $CHECK_PORT dropped): d3 alone withdraws"
printf 'table ip lowwm {\n chain out {\n  type filter hook output priority 0;\n  tcp dport %s drop\n }\n}\n' \
  "$CHECK_PORT" | kt_in d3 /usr/sbin/nft -f - || kt_fail "the drop rule in d3"
T=$(kt_now_cs)
wait_fast 30 lacks_hop d3 || kt_fail "d3's next hop still at the router 30 s after its checks began to fail"
figure lowwm_withdraw_ms "$(ms_since "$T")"
expect_hops d1 d2
kt_expect_eq "d3: lbctl anycast while its checks fail" withdrawn "$(group_state d3)"
kt_check "d3's lbd withdrew its route (none of protocol 245 left in d3) and still runs" \
  sh -c "! /usr/sbin/ip -n d3 route show proto 245 | grep -q . && kill -0 $(lbd_pid d3)"
round r6
survivors r6 r3 lowwm d3
expect_hops d1 d2
kt_in d3 /usr/sbin/nft delete table ip lowwm
T=$(kt_now_cs)
expect_back d3 "once its checks pass"
figure lowwm_back_ms "$(ms_since "$T")"
round r7
none_broke r7 join_d3
same_order "after the restart, the link cut and the failed checks"

# --- (6) -----------------------------------------------------------------------------------------
heading "(6) d2's lbd SIGTERMed: route withdrawn, then $STOP_DELAY later its services and VIP go"
T_ROUTE='' T_SVC=''
drain_watch() {
  [ -n "$T_ROUTE" ] || { lacks_hop d2 && T_ROUTE=$(kt_now_cs); }
  [ -n "$T_SVC" ] || service_in d2 "$ECHO_PORT" || T_SVC=$(kt_now_cs)
  [ -n "$T_ROUTE" ] && [ -n "$T_SVC" ]
}
# The order can only be seen if d2 announces when it is told to stop.
if ! has_hop d2 || ! service_in d2 "$ECHO_PORT"; then
  kt_fail "d2 does not announce, or has no service, before its SIGTERM"
fi
T=$(kt_now_cs)
kill_lbd d2 TERM
wait_fast 30 drain_watch ||
  kt_fail "after SIGTERM: route gone at '${T_ROUTE:-never}', service gone at '${T_SVC:-never}' (cs)"
[ -z "$T_ROUTE" ] || figure drain_withdraw_ms $(((T_ROUTE - T) * 10))
[ -z "$T_SVC" ] || figure drain_service_gone_ms $(((T_SVC - T) * 10))
if [ -n "$T_ROUTE" ] && [ -n "$T_SVC" ]; then
  figure drain_gap_ms $(((T_SVC - T_ROUTE) * 10))
  if [ "$T_ROUTE" -lt "$T_SVC" ]; then kt_pass "the router lost d2 before d2's IPVS service went"; else
    kt_fail "d2's IPVS service went before the router lost d2 (or in the same poll)"; fi
fi
kt_check "d2's lbd exits" kt_wait_for 20 not_running "$(lbd_pid d2)"
kt_check "$VIP gone from d2's lo" sh -c "! /usr/sbin/ip -n d2 -4 addr show dev lo | grep -q 'inet $VIP/'"
expect_hops d1 d3
round r8
survivors r8 r7 drain d2

# --- (7) -----------------------------------------------------------------------------------------
# Last, so that what follows a link restore cannot hold up the other steps: under a loaded host,
# lbd's checks of a director whose link came back were seen to stay down for a minute (8 of about 20
# runs), which this step reports as a figure rather than a failure until that is fixed.
heading "(7) d3's link cut (its port on the switch down): BFD withdraws it"
T=$(kt_now_cs)
ip link set p-d3 down
wait_fast 20 lacks_hop d3 || kt_fail "d3's next hop still at the router 20 s after its link went down"
figure linkcut_withdraw_ms "$(ms_since "$T")"
expect_hops d1
round r9
survivors r9 r8 linkcut d3
T=$(kt_now_cs)
ip link set p-d3 up
if kt_wait_for 60 hops_are d1 d3; then
  figure linkback_announce_ms "$(ms_since "$T")"
  round r10
  none_broke r10 join_d3_link
else
  figure linkback_announce_ms never
  say "KNOWN ISSUE: d3 not back at the router 60 s after its link came back; its checks:"
  kt_in d3 "$LBCTL" -s "$W/d3.sock" checks
fi

# Only the link cut should have taken a BGP session down (d2, once): lbd's exits and the failed
# checks withdraw the route, not the session; any other drop is BFD or BGP timing out (a starved guest).
figure router_bgp_downs "$(for d in $DIRECTORS; do
  printf '%s:%s,' "$d" "$(grep -c " $d: State changed to down" "$W/bird-router.log")"; done | sed 's/,$//')"
echo "KTEST-FIGURES${FIGURES}"
[ "$KT_FAILS" = 0 ] || diagnose
kt_finish

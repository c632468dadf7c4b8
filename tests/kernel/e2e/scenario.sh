# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# scenario.sh: the end-to-end story of a director pair (see e2e-lib.sh for the lab), sourced by nat.sh
# or dr.sh after e2e-lib.sh. Each step is narrated, prints `lbctl status`, and is asserted.
echo
echo "lbd end-to-end: a director pair in front of three web servers, $MODE_TITLE"
echo "VRRPv3 adverts every $ADVERT_INTERVAL; HTTP checks every $CHECK_INTERVAL (fall $CHECK_FALL, rise $CHECK_RISE)"
T_START=$(kt_now_cs)
build_topology
write_config director-a 150 rs1 rs2
write_config director-b 100 rs1 rs2
say "network ready: client, director-a, director-b, rs1 rs2 rs3 (httpd answering their names)"
say "director-a's lbd.conf:"
sed 's/^/     /' $W/director-a.conf
start_director director-a
wait_fast 15 holds_vip director-a || kt_die "director-a never took the VIP: $(cat $W/lbd-director-a.log)"
start_director director-b
# A deadline, not a measurement: a loaded CI host makes the guest's first checks slow to pass.
kt_wait_for 60 in_ipvs_everywhere rs1 && kt_wait_for 60 in_ipvs_everywhere rs2 ||
  kt_die "the real servers never reached IPVS on both directors: $(tail -n 20 $W/lbd-director-a.log $W/lbd-director-b.log)"
# (On a starved host a late advert can make director-b MASTER for a moment; it yields at once.)
kt_check "director-b (BACKUP) does not hold the VIP" kt_wait_for 5 lacks_vip director-b
kt_check "lbctl vrrp on director-a: every instance MASTER" kt_wait_for 5 masters_are director-a $INSTANCES
kt_check "lbctl vrrp on director-b: no instance MASTER" kt_wait_for 5 masters_are director-b 0
# The log is how the reload step tells "no transition": make sure transitions show up in it.
kt_check "director-a logged its way to MASTER" kt_wait_for 5 logged director-a ' -> MASTER'
say "both directors programmed IPVS; director-a holds $VIP"

# --------------------------------------------------------------------------------------------------
heading "requests through the VIP alternate between the real servers"
show_status
traffic_check "both real servers up" rotates RS1 RS2

# --------------------------------------------------------------------------------------------------
heading "rs2's web server dies: lbd removes it"
t0=$(kt_now_cs)
stop httpd-rs2 KILL
say "httpd in rs2 killed (SIGKILL) at $(secs "$t0") s"
kt_check "rs2 removed from IPVS on both directors" wait_fast 20 gone_everywhere rs2
LOGGED="delete destination $(rs_ip rs2):80 "
DETECT_CS=$(logged_since "$t0" director-a director-b)
kt_check "both directors logged the removal" [ -n "$DETECT_CS" ]
say "removed ${DETECT_CS:+$(secs "$DETECT_CS") s after the kill (the later director's log line)}"
show_status
traffic_check "rs2 down" only RS1

# --------------------------------------------------------------------------------------------------
heading "rs2 comes back: re-added after $CHECK_RISE good checks"
t0=$(kt_now_cs)
serve rs2 "$(if [ "$E2E_MODE" = nat ]; then rs_ip rs2; else echo 0.0.0.0; fi)"
say "httpd in rs2 started again at $(secs "$t0") s"
kt_check "rs2 back in IPVS on both directors" wait_fast 20 in_ipvs_everywhere rs2
LOGGED="add destination $(rs_ip rs2):80 "
READD_CS=$(logged_since "$t0" director-a director-b)
kt_check "both directors logged the re-addition" [ -n "$READD_CS" ]
say "re-added ${READD_CS:+$(secs "$READD_CS") s after the restart}"
show_status
traffic_check "rs2 back" served RS1 RS2

# --------------------------------------------------------------------------------------------------
heading "director-a crashes while the client keeps sending requests: director-b takes over"
# The baseline of state changes is taken before the client starts: every request before the crash
# is judged against it, the first ones too.
events_before=$(state_events)
spawn client-loop client /bin/sh $W/client-loop.sh
kt_wait_for 20 requests_ok_at_least 10 || kt_fail "the client's requests do not get through before the crash"
say "client sending requests one after the other ($(requests_ok) answered so far)"
# A crash: lbd gets no chance to send a priority-0 advert or remove its VIPs, and the machine's
# links go down with it (a SIGKILLed lbd alone would leave the kernel forwarding on director-a).
t0=$(kt_now_cs)
stop lbd-director-a KILL
for ifc in eth0 eth1; do ip -n director-a link set "$ifc" down 2>/dev/null; done
say "director-a: lbd killed with SIGKILL at $(secs "$t0") s, links down"
kt_check "director-b holds the VIP" wait_fast 20 holds_vip director-b
LOGGED=' BACKUP -> MASTER'
kt_check "director-b logged BACKUP -> MASTER" kt_wait_for 5 logged director-b "$LOGGED"
TAKEOVER_CS=$(logged_since "$t0" director-b)
kt_check "lbctl vrrp on director-b: every instance MASTER" kt_wait_for 5 masters_are director-b $INSTANCES
say "director-b MASTER ${TAKEOVER_CS:+$(secs "$TAKEOVER_CS") s after the crash}"
target=$(($(requests_ok) + 20))
kt_wait_for 30 requests_ok_at_least $target || kt_fail "requests do not flow through director-b"
: >$W/client.stop
kt_wait_for 5 not_running "$(pid_of client-loop)"
stop client-loop
# Requests still running at the crash or sent after it count for the failover; earlier ones can only
# have failed in a starved guest's VRRP hiccup (see traffic_check).
T=$(secs "$t0")
TOTAL=$(awk -v t="$T" '$2 >= t' $W/requests.log | wc -l)
FAILED=$(awk -v t="$T" '$2 >= t && $3 == "FAILED"' $W/requests.log | wc -l)
EARLY_FAILED=$(awk -v t="$T" '$2 < t && $3 == "FAILED"' $W/requests.log | wc -l)
LONGEST_CS=$(awk -v t="$T" '$2 >= t { d = ($2 - $1) * 100; if (d > m) m = d } END { printf "%d", m }' $W/requests.log)
say "client: $TOTAL requests in flight at the crash or sent after it, $FAILED failed; the longest took $(secs "$LONGEST_CS") s"
say "requests sent from 1 s before to 5 s after the crash ($T s) that failed or took more than 0.3 s:"
awk -v t="$T" '$1 >= t - 1 && $1 <= t + 5 && ($3 == "FAILED" || $2 - $1 > 0.3) {
  printf "     sent at %8.2f s: %-6s after %.2f s\n", $1, $3, $2 - $1 }' $W/requests.log
if [ "$FAILED" -le 2 ]; then
  kt_pass "$FAILED request(s) failed during the failover (at most 2: one request is in flight at a time)"
else
  kt_fail "$FAILED requests failed during the failover (more than 2)"
fi
if [ "$EARLY_FAILED" -gt 0 ]; then
  if [ "$(state_events "$t0")" != "$events_before" ]; then
    say "$EARLY_FAILED request(s) failed before the crash, while lbd changed VRRP or health state in a starved guest"
  else
    kt_fail "$EARLY_FAILED request(s) failed before the crash, with no VRRP or health change"
  fi
fi
tail -n 20 $W/requests.log | grep -q ' FAILED$' && kt_fail "requests still fail after the takeover"
show_status
traffic_check "through director-b" rotates RS1 RS2

# --------------------------------------------------------------------------------------------------
heading "configuration reload on director-b: rs3 joins the service, VRRP untouched"
write_config director-b 100 rs1 rs2 rs3
$LBD --check $W/director-b.conf >$W/director-b.check 2>&1 || kt_fail "lbd --check of the new config"
trans_before=$(transitions director-b)
t0=$(kt_now_cs)
say "rs3 added to director-b's lbd.conf; lbctl reload (the same as SIGHUP / systemctl reload) at $(secs "$t0") s:"
lbctl_of director-b reload >$W/reload.out 2>&1 || kt_fail "lbctl reload (exit $?)"
sed 's/^/   /' $W/reload.out
kt_check "rs3 in director-b's IPVS" wait_fast 20 in_ipvs director-b rs3
LOGGED="add destination $(rs_ip rs3):80 "
RELOAD_CS=$(logged_since "$t0" director-b)
kt_check "director-b logged the addition" [ -n "$RELOAD_CS" ]
say "rs3 serving ${RELOAD_CS:+$(secs "$RELOAD_CS") s after the reload (added, checked $CHECK_RISE times)}"
kt_check "director-b still holds the VIP" holds_vip director-b
RELOAD_TRANSITIONS=$(($(transitions director-b) - trans_before))
kt_expect_eq "VRRP transitions on director-b during the reload" 0 "$RELOAD_TRANSITIONS"
show_status
traffic_check "after the reload" served RS1 RS2 RS3

# --------------------------------------------------------------------------------------------------
echo
echo "=============================================================================================="
echo "== Summary ($E2E_MODE)"
echo "=============================================================================================="
printf '   %-48s %s\n' "real server failure -> removed (both directors)" "${DETECT_CS:+$(secs "$DETECT_CS") s}"
printf '   %-48s %s\n' "real server back -> re-added (both directors)" "${READD_CS:+$(secs "$READD_CS") s}"
printf '   %-48s %s\n' "master crash -> backup MASTER" "${TAKEOVER_CS:+$(secs "$TAKEOVER_CS") s}"
printf '   %-48s %s\n' "requests failed during the failover" "$FAILED of $TOTAL (longest request $(secs "$LONGEST_CS") s)"
printf '   %-48s %s\n' "reload -> new real server serving" "${RELOAD_CS:+$(secs "$RELOAD_CS") s}, $RELOAD_TRANSITIONS VRRP transition(s)"
printf '   %-48s %s\n' "whole story" "$(secs $(($(kt_now_cs) - T_START))) s (guest time)"
echo "KTEST-FIGURES mode=$E2E_MODE failover_failed=$FAILED/$TOTAL takeover=$(secs "${TAKEOVER_CS:-0}")s" \
  "longest_request=$(secs "$LONGEST_CS")s removal=$(secs "${DETECT_CS:-0}")s readd=$(secs "${READD_CS:-0}")s" \
  "reload=$(secs "${RELOAD_CS:-0}")s"
kt_finish

# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh disable=SC1091
# kernel_vrrp_crash: a crashed MASTER lbd costs nothing it need not.
#
# The e2e lab in DR mode (e2e-lib.sh): client 10.30.0.2, director-a .11 (priority 150) and
# director-b .12 (priority 100), real servers rs1 .21 and rs2 .22, VIP 10.30.0.100, VRRPv3.
# director-a's lbd runs under supervise.sh, which does what systemd does with lbd.service
# (ExecStopPost=lbd --release-vips, Restart=on-failure, RestartSec=100ms). `ip monitor address` in
# each director records, stamped, when the VIP comes and goes; the client sends one request after
# the other (a request has 5 s, so a SYN lost in a gap is resent).
#
# Adverts every 8 s (12 s in the sanitizer build): in this TCG guest on a shared host, starting the
# 110 MB lbd takes seconds (the release 2-6 s, the restart to its VRRP start 8 s), where a real
# machine takes milliseconds; the window in which a restarted MASTER resumes is 3 advert intervals
# (24 s), director-b's Master_Down_Interval 28.9 s.
#
# (a) SIGKILL of director-a's lbd right after an advert, restarted by the supervisor: the release
#     gives the VIP a lifetime instead of removing it, the restart resumes MASTER and makes it
#     permanent. Checks: director-a logs "resumed", director-b makes no transition (it stays BACKUP
#     past its Master_Down_Interval), never both directors holding the VIP, no failed request.
# (b) SIGKILL again, no restart: the VIP leaves director-a (the kernel removes it when its lifetime
#     ends, before director-b may take over), an address configured by hand stays, director-b takes
#     over; never both holding it. Gaps and failed requests are printed (a request whose SYNs all
#     fall between the VIP leaving and director-b taking over fails: that is VRRP's
#     Master_Down_Interval, not the crash).
# shellcheck disable=SC2034 # read by e2e-lib.sh
E2E_MODE=dr
. "$KT_DIR/e2e-lib.sh"
# shellcheck disable=SC2034 # read by write_config in e2e-lib.sh
ADVERT_INTERVAL=8s
if [ "${KT_SANITIZED:-0}" = 1 ]; then ADVERT_INTERVAL=12s; fi
ADV_S=${ADVERT_INTERVAL%s}
# No restart by the supervisor once the test ends, however it ends.
trap ': >$W/norestart-a; cleanup' EXIT
for tool in "$LBD" "$LBCTL"; do [ -x "$tool" ] || kt_die "$tool is missing from the guest"; done
figure() { echo "FIGURE $*"; }
up() { cut -d' ' -f1 /proc/uptime; }

build_topology
write_config director-a 150 rs1 rs2
write_config director-b 100 rs1 rs2
# An address the operator configured by hand: --release-vips must leave it alone.
HAND=10.30.0.200
ip -n director-a addr add $HAND/24 dev eth0 || kt_die "adding $HAND"

# The VIP as each director's kernel has it, stamped: "TIME [Deleted ]N: eth0 inet VIP/24 ...".
for d in a b; do
  spawn_stamped "mon-$d" "director-$d" /usr/sbin/ip monitor address
done
mkdir -p $W/run-a $W/run-b
$LBD --check "$W/director-a.conf" >$W/check.log 2>&1 || kt_die "lbd --check: $(cat $W/check.log)"
/bin/sh "$KT_DIR/supervise.sh" "$W/pids/lbd-director-a" "$W/norestart-a" director-a $W/run-a \
  $LBD -f "$W/director-a.conf" 2>&1 | stamp >"$W/lbd-director-a.log" &
echo $! >"$W/pids/stamp-sup-a"
kt_wait_for 5 test -s "$W/pids/lbd-director-a" || kt_die "director-a's lbd did not start"
spawn_stamped lbd-director-b director-b $LBD -f "$W/director-b.conf" --state-dir $W/run-b

kt_check "director-a holds the VIP" kt_wait_for $((ADV_S * 5)) holds_vip director-a
kt_check "director-a MASTER" kt_wait_for 30 masters_are director-a 1
kt_check "director-b BACKUP, without the VIP" kt_wait_for 30 logged director-b 'INIT -> BACKUP'
lacks_vip director-b || kt_die "director-b holds the VIP too"
kt_check "both directors have rs1 and rs2 in IPVS" kt_wait_for 30 settled RS1 RS2
kt_check "director-a saved its state" test -s $W/run-a/vrrp-front.state
sed 's/^/   state: /' $W/run-a/vrrp-front.state

spawn client-loop client /bin/sh $W/client-loop.sh
kt_wait_for 30 requests_ok_at_least 10 || kt_die "the client's requests do not get through"
B_TRANSITIONS=$(transitions director-b)

# requests FROM TO: "total failed" of the requests that ended in [FROM, TO] (s).
requests() { awk -v f="$1" -v t="$2" '$2 >= f && $2 <= t {n++; if ($3 == "FAILED") x++} END {print n + 0, x + 0}' $W/requests.log; }
# holders FROM TO A0 B0: who held the VIP, from both monitors.
holders() {
  for d in a b; do
    awk -v d=$d -v vip="inet $VIP/" 'index($0, vip) {print $1, d, (index($0, "Deleted") ? "del" : "add")}' "$W/mon-$d.log"
  done | sort -k1,1n -k3,3r | awk -v a0="$3" -v b0="$4" -v from="$1" -v to="$2" -f "$KT_DIR/holders.awk"
}
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }


# phase_figures NAME START END: who held the VIP from START to END (printed), and the phase's
# figures recorded; the request counts are left in PHASE_R, the holders' summary line in PHASE_S.
phase_figures() {
  _holders=$(holders "$2" "$3" 1 0)
  PHASE_R=$(requests "$2" "$3")
  echo "$_holders" | sed 's/^/   VIP holders: /'
  PHASE_S=$(echo "$_holders" | tail -n 1)
  figure "$1_requests_total_failed" "$PHASE_R"
  figure "$1_vip_gap_ms" "$(field "$PHASE_S" gap_ms)"
  figure "$1_both_holding_ms" "$(field "$PHASE_S" both_ms)"
}
# ------------------------------------------------------------------------------------------ (a)
heading "(a) director-a's lbd SIGKILLed and restarted by its supervisor: it resumes MASTER"
OLD_PID=$(pid_of lbd-director-a)
# Right after an advert (the state file has its time), so that the window runs from the kill.
last_advert() { sed -n 's/^last_advert_ns //p' $W/run-a/vrrp-front.state; }
L0=$(last_advert)
advert_since() { [ "$(last_advert)" != "$L0" ]; }
kt_check "director-a advertises" wait_fast $((ADV_S * 2)) advert_since
TA=$(up)
kill -KILL "$OLD_PID"
restarted() { _p=$(pid_of lbd-director-a) && [ "$_p" != "$OLD_PID" ]; }
kt_check "the supervisor restarted lbd" wait_fast 30 restarted
ip -n director-a addr show dev eth0 | grep -A1 "inet $VIP/" | sed 's/^/   after the release: /'
kt_check "director-a resumed MASTER" kt_wait_for $((ADV_S * 3)) logged director-a 'INIT -> MASTER \(resumed'
permanent() { ip -n director-a addr show dev eth0 | grep -A1 "inet $VIP/" | grep -q 'valid_lft forever'; }
kt_check "the VIP is permanent again on director-a" kt_wait_for 10 permanent
# Past director-b's Master_Down_Interval (3.61 advert intervals) after the kill: had director-a's
# adverts stopped for that long, director-b would have taken over by now.
past() { awk -v t="$1" -v u="$(up)" 'BEGIN {exit !(u >= t)}'; }
kt_wait_for $((ADV_S * 5)) past "$(awk -v t="$TA" -v a="$ADV_S" 'BEGIN {print t + a * 3.61 + 2}')" ||
  kt_die "the clock stands still"
kt_wait_for 30 requests_ok_at_least $(($(requests_ok) + 5)) || kt_fail "requests do not flow after the restart"
TA_END=$(up)
phase_figures a "$TA" "$TA_END"
RA=$PHASE_R
SA=$PHASE_S
kt_expect_eq "(a) failed requests" 0 "$(echo "$RA" | cut -d' ' -f2)"
kt_expect_eq "(a) moments with both directors holding the VIP" 0 "$(field "$SA" both)"
kt_expect_eq "(a) transitions at director-b" "$B_TRANSITIONS" "$(transitions director-b)"
kt_check "(a) director-b still without the VIP" lacks_vip director-b

# ------------------------------------------------------------------------------------------ (b)
heading "(b) director-a's lbd SIGKILLed for good: its VIP leaves, director-b takes over"
: >$W/norestart-a
TB=$(up)
kill -KILL "$(pid_of lbd-director-a)"
kt_check "the VIP left director-a" wait_fast $((ADV_S * 4)) lacks_vip director-a
kt_check "director-b holds the VIP" wait_fast $((ADV_S * 4)) holds_vip director-b
kt_check "director-b logged BACKUP -> MASTER" kt_wait_for 10 logged director-b 'BACKUP -> MASTER'
hand_kept() { ip -n director-a -4 addr show dev eth0 | grep -q "inet $HAND/"; }
kt_check "the address configured by hand is still on director-a" hand_kept
target=$(($(requests_ok) + 10))
kt_wait_for 30 requests_ok_at_least $target || kt_fail "requests do not flow through director-b"
: >$W/client.stop
kt_wait_for 10 not_running "$(pid_of client-loop)"
TB_END=$(up)
phase_figures b "$TB" "$TB_END"
RB=$PHASE_R
SB=$PHASE_S
kt_expect_eq "(b) moments with both directors holding the VIP" 0 "$(field "$SB" both)"
echo "KTEST-FIGURES a_failed=$(echo "$RA" | cut -d' ' -f2) a_gap_ms=$(field "$SA" gap_ms)" \
  "b_failed=$(echo "$RB" | cut -d' ' -f2) b_gap_ms=$(field "$SB" gap_ms)"
if [ "$KT_FAILS" -ne 0 ]; then
  for f in lbd-director-a lbd-director-b mon-a mon-b; do echo "--- $f"; tail -n 25 "$W/$f.log"; done
  echo "--- requests"; tail -n 40 $W/requests.log
fi
kt_finish

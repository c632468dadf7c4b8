# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# kernel_vrrp_under_load: VRRP adverts keep their rhythm while the director's IPVS work runs.
#
# One L2 segment, bridge br0 in the guest's root namespace: directors d1 10.30.0.3 (priority 150)
# and d2 10.30.0.4 (priority 100) run lbd with one VRRPv3 instance (100 ms adverts, multicast, VIP
# 10.30.0.100/24) and the same 1,000 services x 10 NAT real servers (no health checks), programmed
# into real IPVS in each director's namespace; a recorder namespace obs 10.30.0.5 runs vip_prober,
# which timestamps every advert it hears (CLOCK_MONOTONIC, on the receiving side) with the sender's
# MAC.
#
# Once d1 is MASTER, d2 BACKUP and both tables are programmed: an idle window (the reference), then
# a load window on d1 of at least 12 s: a metrics scrape, `services` and `status` on the control
# socket every second (back to back when they take longer), and two reloads (SIGHUP, one weight
# changed and changed back, each until the kernel has it). Each of these reads the whole IPVS
# table. Checks: the largest gap between d1's adverts as received in the load window is at most
# GAP_LIMIT_MS, and d2 made no VRRP transition (its last transition in `vrrp` is unchanged, and no
# advert came from d2's MAC).
#
# GAP_LIMIT_MS = 250: the interval (100 ms) plus 150 ms for the TCG guest, whose clock follows a
# shared, loaded host's (tests/kernel/README.md, pitfall 6); the idle window's largest gap is
# printed next to it for reference. It stays well below Master_Down_Interval at d2
# (3 x 100 ms + (256 - 100) x 100 / 256 ms = 361 ms): a longer gap is a takeover.
# Figures: "FIGURE name value" lines and one KTEST-FIGURES line.
# shellcheck disable=SC1091 # the guest helpers, tests/kernel/harness/guest-lib.sh
. /usr/lib/ktest/lib.sh

LBD=/usr/local/bin/lbd
CALL=/usr/local/bin/control_call
PROBER=/usr/local/bin/vrrp_vip_prober
W=/tmp/vrrp_load
# 1,000 x 10: 2,000 x 10 took the two directors 150-250 s of guest time to start under TCG on the
# shared host (1,000 x 10: under 20 s in bench_vrrp_load), too long for CI; one full dump of
# 1,000 x 10 already takes seconds there.
S=1000
D=10
# The sanitizer build is several times slower under TCG: a smaller table still keeps the main loop
# busy for seconds per read, which is what the test is about.
if [ "${KT_SANITIZED:-0}" = 1 ]; then S=200; fi
LOAD_S=12
IDLE_S=5
GAP_LIMIT_MS=250
VIP=10.30.0.100
for tool in "$LBD" "$CALL" "$PROBER"; do
  [ -x "$tool" ] || kt_die "$tool is missing from the guest"
done
mkdir -p $W

# ------------------------------------------------------------------------------------ topology
kt_lan br0 || kt_die "creating the bridge"
join() { kt_lan_join br0 "$1" "$2/24" "$3" || kt_die "$1 on the LAN"; } # NS ADDRESS MAC
MAC_d1=02:00:00:00:00:03
MAC_d2=02:00:00:00:00:04
join d1 10.30.0.3 $MAC_d1
join d2 10.30.0.4 $MAC_d2
join obs 10.30.0.5 02:00:00:00:00:05

# ------------------------------------------------------------------------------------ helpers
# conf DIRECTOR PRIORITY SERVICES-FILE: lbd.conf of one director.
conf() {
  cat <<EOC
[global]
node_name = "$1"
control_socket = "/run/lbd-$1.sock"
metrics_listen = "127.0.0.1:9712"
reconcile_interval = "10m"
log_level = "warning"

[[vrrp]]
name = "web"
interface = "eth0"
vrid = 51
priority = $2
version = 3
advert_interval = "100ms"
virtual_ips = ["$VIP/24"]
EOC
  cat "$3"
}
call() { $CALL "/run/lbd-$1.sock" "$2" '{}' ${3:+"$3"}; }
answers() { timeout 10 $CALL "/run/lbd-$1.sock" status >/dev/null 2>&1; }
vrrp_state() { call "$1" vrrp /0/state 2>/dev/null; }
state_is() { [ "$(vrrp_state "$1")" = "$2" ]; }
WANT=$((3 + S + S * D))
# /proc/net/ip_vs is opened by the process in the namespace (a redirection would open the shell's).
table_full() { [ "$(kt_in "$1" awk 'END {print NR}' /proc/net/ip_vs)" -eq "$WANT" ]; }
metrics() { kt_in "$1" timeout 60 wget -q -O - http://127.0.0.1:9712/metrics 2>/dev/null; }
now_ns() { awk '{printf "%.0f\n", $1 * 1e9}' /proc/uptime; }
sec() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f\n", (b - a) / 100}'; }
figure() { echo "FIGURE $*"; }
# timed NAME-VAR COMMAND...: runs COMMAND, appends its duration in s to the variable NAME-VAR.
# A read that fails is counted, not a test failure: what matters here is the work it makes lbd do
# (a full IPVS dump), which happens whether or not the answer arrives in time.
timed() {
  _var=$1
  shift
  _t0=$(kt_now_cs)
  _ok=''
  "$@" || { _ok='!'; FAILED_READS=$((FAILED_READS + 1)); }
  eval "$_var=\"\${$_var}\${$_var:+,}$(sec "$_t0" "$(kt_now_cs)")$_ok\""
}
scrape() { metrics d1 >$W/scrape.txt && grep -q '^lbd_vrrp' $W/scrape.txt; }
query() { call d1 "$1" >$W/"$1".json 2>&1 && [ -s $W/"$1".json ]; }
# reload WEIGHT: SIGHUP to d1 with the last real server's weight changed to WEIGHT in its
# lbd.conf (a one-line change), until the kernel has it.
LAST_SVC=$(awk -v s=$S 'BEGIN {n = s - 1; print "10." (1 + int(n / 65536)) "." (int(n / 256) % 256) "." (n % 256) ":80"}')
LAST_RS=$(awk -v n=$((S * D - 1)) 'BEGIN {print "10." (128 + int(n / 65536)) "." (int(n / 256) % 256) "." (n % 256) ":8080"}')
last_weight_is() { [ "$(kt_in d1 /usr/sbin/ipvsadm -Ln -t $LAST_SVC | awk -v r=$LAST_RS '$1 == "->" && $2 == r {print $4}')" = "$1" ]; }
reload() {
  if [ "$1" = 2 ]; then conf d1 150 $W/svc-bump.conf >$W/d1.conf; else conf d1 150 $W/svc.conf >$W/d1.conf; fi
  kill -HUP $PID_d1 && poll 300 last_weight_is "$1"
}

# ------------------------------------------------------------------------------------ start
awk -v services=$S -v dests=$D -f "$KT_DIR/gen-services.awk" >$W/svc.conf || kt_die "generating the services"
awk -v services=$S -v dests=$D -v bump=1 -f "$KT_DIR/gen-services.awk" >$W/svc-bump.conf || kt_die "generating the services"
conf d1 150 $W/svc.conf >$W/d1.conf
conf d2 100 $W/svc.conf >$W/d2.conf
T_START=$(kt_now_cs)
# iproute2 directly (not the shell function): ip netns exec execs lbd, so $! is its PID.
/usr/sbin/ip netns exec d1 $LBD -f "$W/d1.conf" >>"$W/d1.log" 2>&1 &
PID_d1=$!
/usr/sbin/ip netns exec d2 $LBD -f "$W/d2.conf" >>"$W/d2.log" 2>&1 &
# poll SECONDS COMMAND...: COMMAND every second until it succeeds or SECONDS pass. kt_wait_for's
# 100 ms would start a process ten times a second, and reading 11,000 IPVS entries that often
# would take most of the guest's only CPU from the directors it waits for.
poll() {
  _p0=$(kt_now_cs) _secs=$1
  shift
  _pn=0
  until "$@"; do
    [ $(($(kt_now_cs) - _p0)) -lt $((_secs * 100)) ] || return 1
    _pn=$((_pn + 1))
    [ $((_pn % 30)) -ne 0 ] || kt_log "still waiting for: $* (lbd processes: $(pidof lbd))"
    sleep 1
  done
}
for d in d1 d2; do
  poll 400 answers $d || kt_die "$d's control socket does not answer: $(tail -n 5 $W/$d.log)"
  kt_log "$d answers"
  poll 400 table_full $d || kt_die "$d: IPVS incomplete ($(kt_in $d awk 'END {print NR}' /proc/net/ip_vs) of $WANT lines)"
  kt_log "$d programmed"
done
kt_wait_for 30 state_is d1 MASTER || kt_die "d1 is not MASTER: $(vrrp_state d1)"
kt_wait_for 30 state_is d2 BACKUP || kt_die "d2 is not BACKUP: $(vrrp_state d2)"
kt_pass "d1 MASTER, d2 BACKUP, both tables programmed ($((S + S * D)) entries each)"
figure startup_s "$(sec "$T_START" "$(kt_now_cs)")"

/usr/sbin/ip netns exec obs $PROBER $VIP eth0 1000000 >$W/prober.out 2>$W/prober.err &
PROBER_PID=$!
heard() { [ "$(grep -c " A $MAC_d1 " $W/prober.out)" -ge 5 ]; }
kt_wait_for 20 heard || kt_die "the recorder hears no adverts from d1: $(cat $W/prober.err)"
# d2's transitions: its last transition (the cheap `vrrp` command; a metrics scrape or `status`
# reads the whole IPVS table and may outlast their 5 s answer deadline in the guest) must not
# change, and no advert may come from d2's MAC (a takeover is a run of them).
last_transition() { call d2 vrrp /0/last_transition/at 2>&1; }
TR0=$(last_transition)

# ------------------------------------------------------------------------------------ idle, then load
IDLE_FROM=$(now_ns)
sleep $IDLE_S # a measurement window, not a wait for anything
IDLE_TO=$(now_ns)

LOAD_FROM=$(now_ns)
L0=$(kt_now_cs)
tick=0
SCRAPE='' SERVICES='' STATUS='' RELOAD='' FAILED_READS=0
# Every second the three reads; a reload after the reads of the first two ticks (weight 2, then
# back to 1); at least those two ticks, and as many as fit into LOAD_S.
while [ $tick -lt 2 ] || [ $(($(kt_now_cs) - L0)) -lt $((LOAD_S * 100)) ]; do
  timed SCRAPE scrape
  timed SERVICES query services
  timed STATUS query status
  case $tick in
    0) timed RELOAD reload 2 ;;
    1) timed RELOAD reload 1 ;;
  esac
  tick=$((tick + 1))
  # Next tick one second after the previous one started, at once if the work took longer.
  _left=$((L0 + tick * 100 - $(kt_now_cs)))
  [ $_left -le 0 ] || sleep "$(awk -v c=$_left 'BEGIN {printf "%.2f", c / 100}')"
done
LOAD_TO=$(now_ns)
kt_log "load window: $tick ticks in $(sec "$L0" "$(kt_now_cs)") s"

kill -TERM $PROBER_PID
wait $PROBER_PID
TR1=$(last_transition)

# ------------------------------------------------------------------------------------ figures, checks
stats() { awk -v mac="$1" -v from="$2" -v to="$3" -f "$KT_DIR/gaps.awk" $W/prober.out | sort -n | awk -f "$KT_DIR/gap-stats.awk"; }
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
IDLE=$(stats $MAC_d1 "$IDLE_FROM" "$IDLE_TO")
LOAD=$(stats $MAC_d1 "$LOAD_FROM" "$LOAD_TO")
D2_ADVERTS=$(awk -v m=$MAC_d2 -v f="$LOAD_FROM" -v t="$LOAD_TO" '$2 == "A" && $3 == m && $1 >= f && $1 <= t {n++} END {print n + 0}' $W/prober.out)
D2_TAKEOVERS=$(awk -v p=$MAC_d1 -v q=$MAC_d2 -v f="$LOAD_FROM" -v t="$LOAD_TO" '$2 != "A" || ($3 != p && $3 != q) {next}
  $3 == q && prev != q && $1 >= f && $1 <= t {n++} {prev = $3} END {print n + 0}' $W/prober.out)
figure idle_gaps "$IDLE"
figure load_gaps "$LOAD"
figure load_max_gap_ms "$(field "$LOAD" max)"
figure load_p99_gap_ms "$(field "$LOAD" p99)"
figure load_gaps_over_150ms "$(field "$LOAD" over150)"
figure d2_takeovers "$D2_TAKEOVERS"
figure d2_last_transition "before=$TR0 after=$TR1"
figure d2_adverts_in_load "$D2_ADVERTS"
figure scrape_s "$SCRAPE"
figure services_s "$SERVICES"
figure status_s "$STATUS"
figure reload_s "$RELOAD"
figure failed_reads "$FAILED_READS (marked ! above: no complete answer)"
echo "KTEST-FIGURES idle_max_gap_ms=$(field "$IDLE" max) load_max_gap_ms=$(field "$LOAD" max)" \
  "load_p99_gap_ms=$(field "$LOAD" p99) gaps_over_150ms=$(field "$LOAD" over150)" \
  "d2_takeovers=$D2_TAKEOVERS d2_adverts=$D2_ADVERTS"

kt_check "both reloads reached d1's IPVS ($RELOAD s)" [ "$(echo "$RELOAD" | tr ',' '\n' | grep -c '[0-9]$')" -eq 2 ]
MAX=$(field "$LOAD" max)
if awk -v m="$MAX" -v l=$GAP_LIMIT_MS 'BEGIN {exit !(m != "n/a" && m <= l)}'; then
  kt_pass "largest gap between d1's adverts under load: $MAX ms <= $GAP_LIMIT_MS ms"
else
  kt_fail "largest gap between d1's adverts under load: $MAX ms > $GAP_LIMIT_MS ms (idle: $(field "$IDLE" max) ms)"
fi
kt_expect_eq "d2's last VRRP transition is unchanged by the load" "$TR0" "$TR1"
kt_expect_eq "takeovers by d2 during the load" 0 "$D2_TAKEOVERS"
kt_expect_eq "adverts from d2 during the load" 0 "$D2_ADVERTS"
kt_expect_eq "d1 still MASTER" MASTER "$(vrrp_state d1)"
[ "$KT_FAILS" -eq 0 ] || { echo "--- d1.log"; tail -n 20 $W/d1.log; echo "--- d2.log"; tail -n 20 $W/d2.log; }
kt_finish

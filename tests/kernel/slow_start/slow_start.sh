# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# kernel_slow_start: slow start against real IPVS (NAT).
#
# The NAT lab (kt_nat_topology): the guest's root namespace is the director running lbd with a state
# file, client 10.10.0.2, real servers rs1 10.20.1.2 and rs2 10.20.2.2 running `conn_pacer serve`
# on port 8080. Service web: VIP:80 -> rs1, rs2, weight 100 each, slow_start = "10s" (parts 0-1),
# then "30s" (parts 2-4: a reload or a restart of lbd, slow under ASan, must not outlast the ramp).
#
#  0. A cold start gives both their full weight: no ramp.
#  1. rs1's server stops (its check fails, it leaves IPVS) and starts again: its weight, sampled
#     from the kernel, climbs from 10 to 100 in about 10 s, once a second, never down; lbctl and the
#     metrics show the ramp.
#  2. An operator drains rs1 and enables it again: it ramps; a reload in the middle goes on with the
#     ramp (neither back to 10 nor on to 100).
#  3. The same with lbd stopped by SIGTERM in the middle and started again: the ramp goes on from
#     the state file, by the wall clock.
#  4. The same with SIGKILL.
# Figures are printed as "FIGURE name value".
# shellcheck disable=SC1091 # the guest helpers, tests/kernel/harness/guest-lib.sh
. /usr/lib/ktest/lib.sh

LBD=/usr/local/bin/lbd
LBCTL=/usr/local/bin/lbctl
PACER=/usr/local/bin/conn_pacer
W=/tmp/slowstart
# shellcheck disable=SC2034 # read by the guest helpers (kt_spawn, kt_stop)
KT_RUN=$W/run
mkdir -p $W
VIP=10.10.0.100
RS1=10.20.1.2:8080

kt_nat_topology $VIP
for n in 1 2; do
  kt_spawn "serve$n" "rs$n" $PACER serve "10.20.$n.2" 8080 1
  kt_wait_for 10 kt_listening "rs$n" 8080 || kt_die "conn_pacer does not listen in rs$n"
done
kt_log "topology ready"

# ------------------------------------------------------------------------------------ helpers
conf() { # RECONCILE_INTERVAL SLOW_START
  cat <<EOF2
[global]
control_socket = "/run/lbd.sock"
metrics_listen = "127.0.0.1:9712"
reconcile_interval = "$1"

[[virtual_server]]
name = "web"
address = "$VIP:80"
scheduler = "wrr"
slow_start = "$2"
check = { type = "tcp", interval = "500ms", timeout = "400ms", rise = 1, fall = 1 }
[[virtual_server.real_server]]
address = "$RS1"
weight = 100
[[virtual_server.real_server]]
address = "10.20.2.2:8080"
weight = 100
EOF2
}
start_lbd() {
  $LBD -f $W/lbd.conf --state-file $W/state.json >>$W/lbd.log 2>&1 &
  LBD_PID=$!
  kt_wait_for 20 $LBCTL -s /run/lbd.sock services >/dev/null 2>&1 || kt_die "lbd does not answer: $(tail -n 5 $W/lbd.log)"
}
weight_of() { # SERVER: its weight in VIP:80, empty when absent
  ipvsadm -Ln -t "$VIP:80" 2>/dev/null | awk -v a="$1" '$1 == "->" && $2 == a {print $4}'
}
weight_is() { [ "$(weight_of "$1")" = "$2" ]; }
weight_at_least() { _w=$(weight_of "$RS1") && [ -n "$_w" ] && [ "$_w" -ge "$1" ]; }
absent() { [ -z "$(weight_of "$1")" ]; }
metrics() { timeout 5 wget -q -O - http://127.0.0.1:9712/metrics 2>/dev/null; }
series() { metrics | awk -v s="$1$2" '$1 == s {v = $2} END {print v + 0}'; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }
figure() { echo "FIGURE $*"; }
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# sample FILE: "uptime weight" at each change of rs1's weight in the kernel (0: absent), until it
# is back at 100 after a ramp (or 90 s). Run in the background while the test acts.
sample() {
  _last=x
  _end=$(($(kt_now_cs) + 9000))
  while [ "$(kt_now_cs)" -lt $_end ]; do
    _w=$(weight_of "$RS1")
    _w=${_w:-0}
    if [ "$_w" != "$_last" ]; then
      echo "$(uptime_s) $_w" >>"$1"
      _last=$_w
    fi
    if [ "$_w" = 100 ] && awk '$2 > 0 && $2 < 100 {f = 1} END {exit !f}' "$1"; then return 0; fi
    sleep 0.05 # how often the kernel is sampled
  done
}
# ramp_stats FILE: the ramp from the first weight above 0 to 100: "first=10 steps=11 seconds=10.02
# maxgap=1.01 decreases=0".
ramp_stats() {
  awk '$2 > 0 {
         if (n == 0) { t0 = $1; first = $2 } else { if ($2 < prev) dec++; g = $1 - pt; if (g > gap) gap = g }
         n++; prev = $2; pt = $1; t1 = $1
       }
       END { printf "first=%s steps=%d seconds=%.2f maxgap=%.2f decreases=%d\n", first, n, t1 - t0, gap, dec + 0 }' "$1"
}
between() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN {exit !(v >= lo && v <= hi)}'; }
# check_ramp NAME FILE WINDOW MAXGAP: the ramp started at 10, ended at 100 after about WINDOW
# seconds (-1, +3), never went down, and no step took longer than MAXGAP seconds.
check_ramp() {
  _s=$(ramp_stats "$2")
  kt_log "$1: $_s ($(awk '{printf "%s@%s ", $2, $1}' "$2"))"
  figure "ramp_$1" "$_s"
  kt_expect_eq "$1: the ramp starts at 10% of the weight" 10 "$(field "$_s" first)"
  kt_expect_eq "$1: the weight never goes down during the ramp" 0 "$(field "$_s" decreases)"
  if between "$(field "$_s" seconds)" $(($3 - 1)) $(($3 + 3)); then
    kt_pass "$1: from 10 to 100 in $(field "$_s" seconds) s (slow_start $3s)"
  else
    kt_fail "$1: from 10 to 100 in $(field "$_s" seconds) s, not about $3"
  fi
  if between "$(field "$_s" maxgap)" 0 "$4"; then
    kt_pass "$1: $(field "$_s" steps) weights, at most $(field "$_s" maxgap) s apart"
  else
    kt_fail "$1: a step took $(field "$_s" maxgap) s (at most $4 expected)"
  fi
}
# expect_goes_on WHAT BEFORE AFTER: the weight neither went back nor jumped to the end.
expect_goes_on() {
  if [ "$3" -ge "$2" ] && [ "$3" -lt 100 ]; then
    kt_pass "$1 goes on with the ramp: weight $2 before, $3 after"
  else
    kt_fail "$1 does not go on with the ramp: weight $2 before, $3 after"
  fi
}
# bounce_by_drain: lbctl drain rs1 until it is out of IPVS, then sampling, then lbctl enable.
bounce_by_drain() { # FILE
  $LBCTL -s /run/lbd.sock drain "$RS1" >/dev/null || kt_die "lbctl drain"
  kt_wait_for 20 absent "$RS1" || kt_die "drained rs1 still in IPVS: $(weight_of "$RS1")"
  sample "$1" &
  SAMPLER=$!
  $LBCTL -s /run/lbd.sock enable "$RS1" >/dev/null || kt_die "lbctl enable"
}

# ------------------------------------------------------------------------------------ 0. cold start
conf 30s 10s >$W/lbd.conf
start_lbd
kt_wait_for 30 weight_is "$RS1" 100 || kt_die "rs1 not at weight 100: $(ipvsadm -Ln | tr '\n' '|')"
kt_wait_for 10 weight_is 10.20.2.2:8080 100 || kt_die "rs2 not at weight 100"
kt_expect_eq "a cold start ramps nobody" 0 "$(series lbd_slow_start_events_total '{event="started"}')"
kt_pass "cold start: both real servers at their full weight"

# ------------------------------------------------------------------------------------ 1. check fails, passes
kt_stop serve1
kt_wait_for 20 absent "$RS1" || kt_die "rs1 still in IPVS with its server stopped"
sample $W/ramp1 &
SAMPLER=$!
kt_spawn serve1 rs1 $PACER serve 10.20.1.2 8080 1
kt_wait_for 10 weight_at_least 1 || kt_die "rs1 did not come back"
kt_wait_for 5 weight_at_least 19 || kt_die "rs1 does not climb: $(weight_of "$RS1")"
$LBCTL -s /run/lbd.sock services >$W/services.txt 2>&1
if grep "$RS1" $W/services.txt | grep -q 'slow start [0-9]*/10 s to weight 100'; then
  kt_pass "lbctl services shows the ramp: $(grep -o 'slow start [^,)]*' $W/services.txt)"
else
  kt_fail "lbctl services does not show the ramp: $(cat $W/services.txt)"
fi
kt_expect_eq "lbd_realservers_slow_starting" 1 "$(series lbd_realservers_slow_starting '{service="web"}')"
wait $SAMPLER
check_ramp check_passes_again $W/ramp1 10 2
kt_expect_eq "rs2 kept its weight" 100 "$(weight_of 10.20.2.2:8080)"
kt_wait_for 5 test "$(series lbd_slow_start_events_total '{event="finished"}')" = 1 ||
  kt_fail "lbd_slow_start_events_total{event=finished} is $(series lbd_slow_start_events_total '{event="finished"}')"
kt_expect_eq "lbd_realservers_slow_starting after the ramp" 0 "$(series lbd_realservers_slow_starting '{service="web"}')"
if grep -q "real server $RS1 in web: slow start over 10s" $W/lbd.log; then
  kt_pass "the start of the ramp is logged"
else
  kt_fail "no start of the ramp in the log"
fi

# ------------------------------------------------------------------------------------ 2. reload mid-ramp
conf 30s 30s >$W/lbd.conf
$LBCTL -s /run/lbd.sock reload >$W/reload.txt 2>&1 || kt_fail "lbctl reload: $(cat $W/reload.txt)"
bounce_by_drain $W/ramp2
kt_wait_for 20 weight_at_least 37 || kt_die "rs1 does not climb after enable: $(weight_of "$RS1")"
BEFORE=$(weight_of "$RS1")
conf 20s 30s >$W/lbd.conf
$LBCTL -s /run/lbd.sock reload >$W/reload.txt 2>&1 || kt_fail "lbctl reload: $(cat $W/reload.txt)"
expect_goes_on "a reload mid-ramp" "$BEFORE" "$(weight_of "$RS1")"
wait $SAMPLER
check_ramp enabled_with_reload $W/ramp2 30 2

# ------------------------------------------------------------------------------------ 3, 4. restarts
for sig in TERM KILL; do
  bounce_by_drain $W/ramp_$sig
  kt_wait_for 20 weight_at_least 37 || kt_die "rs1 does not climb after enable: $(weight_of "$RS1")"
  BEFORE=$(weight_of "$RS1")
  kill -$sig $LBD_PID
  kt_wait_for 20 kt_not_running $LBD_PID || kt_die "lbd still runs 20 s after SIG$sig"
  STOPPED=$(weight_of "$RS1")
  start_lbd
  kt_wait_for 10 grep -q "slow start restored from $W/state.json: $RS1 in web" $W/lbd.log ||
    kt_fail "SIG$sig: no ramp restored from the state file"
  expect_goes_on "SIG$sig + start mid-ramp ($STOPPED while stopped)" "$BEFORE" "$(weight_of "$RS1")"
  wait $SAMPLER
  # A restart takes a few seconds in the guest (up to 7 under ASan): the step across it as long.
  check_ramp "restart_after_SIG$sig" $W/ramp_$sig 30 12
  sed -i 's/slow start restored from/slow start restored (seen) from/' $W/lbd.log
done

# ------------------------------------------------------------------------------------ end
kill -TERM $LBD_PID
kt_wait_for 20 kt_not_running $LBD_PID || kt_fail "lbd still runs 20 s after SIGTERM"
kt_stop_all
kt_finish

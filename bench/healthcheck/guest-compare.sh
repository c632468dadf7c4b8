# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# Guest side of the keepalived comparison (tests/kernel harness, busybox sh). The real servers are
# HC_TARGETS ports of healthcheck_listener in namespace "rs" behind a veth pair; from the root
# namespace keepalived's checker (TCP_CHECK, then HTTP_GET) and then lbd's checker
# (healthcheck_bench) check all of them every second for HC_SECONDS. CPU is utime+stime of the
# checking process only; keepalived's checks are counted by the listener (connections accepted),
# lbd's by lbd itself. After each http round, healthcheck_floor (a bare checker: the least an http
# check on a new connection costs) runs on the same servers too.
#
# Two placements of the real servers' kernel work (HC_PLACEMENTS, both by default on 2+ CPUs):
# - server-cpu: as across a network. The listener runs on CPU 1 and receive packet steering puts
#   the processing of every packet that reaches namespace rs on CPU 1 too; the checkers run on
#   CPU 0. A checker pays for its own system calls and what it sends, as on a director.
# - inline: nothing pinned. veth hands each packet to the receiving stack inside the sender's
#   system call, so a checker is also charged the server's kernel work: SYN handling, the new
#   connection's socket, its teardown. That work is the same for every checker and makes up most
#   of a check here, which pulls every ratio towards 1; the floor's ratio shows how far.
#
# Prints one "HCBENCH ..." line per placement, round and type, then the median ratios of each
# placement and type; the host wrapper stores them.
# HC_ROUNDS (default 1) rounds per type; HC_MAX_RATIO set: fail when the median of the rounds'
# lbd/keepalived CPU per check in placement server-cpu is above it.
. /usr/lib/ktest/lib.sh

N=${HC_TARGETS:-1000}
S=${HC_SECONDS:-10}
PORT=20000
KA=/usr/local/bin/keepalived
LIS=/usr/local/bin/healthcheck_listener
HCB=/usr/local/bin/healthcheck_bench
FLOOR=/usr/local/bin/healthcheck_floor

# Under TCG a clocksource other than tsc makes every clock read an emulated device access.
kt_log "clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource), $(nproc) cpu(s)"
kt_netns rs || kt_die "namespace"
kt_veth - d-rs rs eth0 || kt_die "veth"
ip addr add 10.0.0.1/24 dev d-rs
kt_ip_in rs addr add 10.0.0.2/24 dev eth0
# shellcheck disable=SC3045 # busybox sh has ulimit -n
ulimit -n 65536
# A plain command (not a shell function) so that $! is the listener itself: ip netns exec execs it.
/usr/sbin/ip netns exec rs "$LIS" 10.0.0.2 $PORT "$N" >/tmp/listener.log 2>&1 &
LPID=$!
kt_wait_for 60 grep -q listening= /tmp/listener.log || kt_die "listener did not start: $(cat /tmp/listener.log)"

# accepts: connections the listener has accepted so far (asks it with SIGUSR1).
accepts() {
  _n=$(grep -c accepts= /tmp/listener.log)
  kill -USR1 "$LPID"
  kt_wait_for 10 sh -c "[ \$(grep -c accepts= /tmp/listener.log) -gt $_n ]" || kt_die "listener does not answer"
  grep accepts= /tmp/listener.log | tail -n 1 | cut -d= -f2
}
is_number() { case "$1" in '' | *[!0-9]*) return 1 ;; *) return 0 ;; esac }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
now() { cut -d' ' -f1 /proc/uptime; }
ipvs_reals() { /usr/sbin/ipvsadm -Ln | grep -c '10\.0\.0\.2:'; }
ipvs_reals_are() { [ "$(ipvs_reals)" -eq "$1" ]; }

# place PLACEMENT: pins the listener, sets the server side's receive steering and PIN, the prefix
# that starts a checker (see the top of this file).
place() {
  case $1 in
    server-cpu)
      PIN="taskset 1"
      _mask=2
      _rps=2
      ;;
    inline)
      PIN=""
      _mask=$(printf '%x' $(((1 << $(nproc)) - 1)))
      _rps=0
      ;;
    *) kt_die "unknown placement $1" ;;
  esac
  taskset -a -p "$_mask" "$LPID" >/dev/null || kt_die "cannot pin the listener"
  /usr/sbin/ip netns exec rs sh -c "echo $_rps >/sys/class/net/eth0/queues/rx-0/rps_cpus" ||
    kt_die "cannot set receive packet steering"
}

write_conf() {
  {
    echo "global_defs { router_id hcbench }"
    echo "virtual_server 10.0.0.100 80 {"
    echo "  delay_loop 1"
    echo "  lb_algo rr"
    echo "  lb_kind NAT"
    echo "  protocol TCP"
    i=0
    while [ $i -lt "$N" ]; do
      if [ "$1" = tcp ]; then
        echo "  real_server 10.0.0.2 $((PORT + i)) { TCP_CHECK { connect_timeout 1 } }"
      else
        echo "  real_server 10.0.0.2 $((PORT + i)) { HTTP_GET { url { path / status_code 200 } connect_timeout 1 } }"
      fi
      i=$((i + 1))
    done
    echo "}"
  } >"/tmp/keepalived-$1.conf"
}

# keepalived TYPE: sets KA_CHECKS and KA_PER_1000 (CPU-s of the checker process per 1,000 checks).
keepalived_run() {
  write_conf "$1"
  rm -f /run/keepalived.pid /run/checkers.pid
  # shellcheck disable=SC2086 # PIN is a command prefix or nothing
  $PIN "$KA" -n -l -D -C -f "/tmp/keepalived-$1.conf" -p /run/keepalived.pid -c /run/checkers.pid \
    >"/tmp/keepalived-$1.log" 2>&1 &
  _main=$!
  kt_wait_for 60 test -s /run/checkers.pid || kt_die "keepalived checker did not start: $(tail -n 20 "/tmp/keepalived-$1.log")"
  _chk=$(cat /run/checkers.pid)
  # Warm-up: every real server in IPVS, then one more round of checks.
  kt_wait_for 120 ipvs_reals_are "$N" || kt_die "keepalived put $(ipvs_reals) of $N real servers in IPVS"
  sleep 2
  _a0=$(accepts)
  _c0=$(ticks "$_chk")
  _t0=$(now)
  sleep "$S"
  _a1=$(accepts)
  _c1=$(ticks "$_chk")
  _t1=$(now)
  if ! is_number "$_a0" || ! is_number "$_a1"; then kt_die "listener counts unreadable: '$_a0' '$_a1'"; fi
  kill -TERM "$_main"
  kt_wait_for 60 sh -c "! kill -0 $_main 2>/dev/null" || kt_fail "keepalived did not stop"
  wait "$_main" 2>/dev/null
  /usr/sbin/ipvsadm -C
  KA_CHECKS=$((_a1 - _a0))
  # USER_HZ is 100 on x86.
  KA_PER_1000=$(awk -v c=$((_c1 - _c0)) -v n="$KA_CHECKS" 'BEGIN { printf "%.4f", (n > 0 ? c / 100 / n * 1000 : 0) }')
  KA_WALL=$(awk -v a="$_t0" -v b="$_t1" 'BEGIN { printf "%.2f", b - a }')
  [ "$KA_CHECKS" -gt 0 ] || kt_fail "keepalived $1: no checks counted"
}

# lbd TYPE: sets LBD_CHECKS, LBD_FAILURES and LBD_PER_1000.
lbd_run() {
  # shellcheck disable=SC2086 # PIN is a command prefix or nothing
  $PIN "$HCB" --connect 10.0.0.2:$PORT --targets "$N" --seconds "$S" --type "$1" --results - --label guest \
    >"/tmp/lbd-$1.log" 2>&1 || kt_fail "lbd $1: healthcheck_bench failed: $(tail -n 5 "/tmp/lbd-$1.log")"
  _line=$(grep bench=cost "/tmp/lbd-$1.log")
  LBD_CHECKS=$(echo "$_line" | sed -n 's/.* checks=\([0-9]*\).*/\1/p')
  LBD_FAILURES=$(echo "$_line" | sed -n 's/.* failures=\([0-9]*\).*/\1/p')
  LBD_PER_1000=$(echo "$_line" | sed -n 's/.* cpu_s_per_1000_checks=\([0-9.]*\).*/\1/p')
  LBD_P99=$(echo "$_line" | sed -n 's/.* lateness_ms_p99=\([0-9.]*\).*/\1/p')
  LBD_WAKEUPS=$(echo "$_line" | sed -n 's/.* wakeups_per_s=\([0-9.]*\).*/\1/p')
  if [ -z "$LBD_CHECKS" ] || [ "$LBD_CHECKS" -eq 0 ]; then kt_fail "lbd $1: no checks"; fi
  [ "$LBD_FAILURES" = 0 ] || kt_fail "lbd $1: $LBD_FAILURES checks failed ($(grep 'first failure' "/tmp/lbd-$1.log"))"
}

# floor_run: sets FLOOR_PER_1000 (http only).
floor_run() {
  # shellcheck disable=SC2086 # PIN is a command prefix or nothing
  $PIN "$FLOOR" --connect 10.0.0.2:$PORT --targets "$N" --seconds "$S" >/tmp/floor.log 2>&1 ||
    kt_fail "healthcheck_floor failed: $(tail -n 3 /tmp/floor.log)"
  FLOOR_PER_1000=$(sed -n 's/.* cpu_s_per_1000_checks=\([0-9.]*\).*/\1/p' /tmp/floor.log)
  [ -n "$FLOOR_PER_1000" ] || FLOOR_PER_1000=0
}

# median: the middle of the numbers on standard input (the lower middle for an even count).
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# HC_ROUNDS rounds of (keepalived, then lbd, then for http the floor) per placement and type: the
# host's speed drifts over minutes, so one pair of runs can land either side of the target; the
# median of the rounds' ratios does not.
R=${HC_ROUNDS:-1}
PLACEMENTS=${HC_PLACEMENTS:-}
if [ -z "$PLACEMENTS" ]; then
  if [ "$(nproc)" -ge 2 ]; then PLACEMENTS="server-cpu inline"; else PLACEMENTS=inline; fi
fi
ratio_of() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'; }
for placement in $PLACEMENTS; do
  place "$placement"
  for type in tcp http; do
    : >/tmp/ratios
    : >/tmp/floor-ratios
    round=1
    while [ $round -le "$R" ]; do
      kt_log "$placement, round $round/$R, keepalived $type: $N real servers, delay_loop 1, $S s"
      keepalived_run $type
      kt_log "$placement, round $round/$R, lbd $type: $N targets, interval 1 s, $S s"
      lbd_run $type
      ratio=$(ratio_of "$LBD_PER_1000" "$KA_PER_1000")
      echo "$ratio" >>/tmp/ratios
      floor=""
      if [ $type = http ]; then
        kt_log "$placement, round $round/$R, floor http: $N targets, $S s"
        floor_run
        floor_ratio=$(ratio_of "$FLOOR_PER_1000" "$KA_PER_1000")
        echo "$floor_ratio" >>/tmp/floor-ratios
        floor=" floor_cpu_s_per_1000_checks=$FLOOR_PER_1000 ratio_floor_over_keepalived=$floor_ratio"
      fi
      echo "HCBENCH bench=guest-vs-keepalived placement=$placement type=$type targets=$N interval=1s" \
        "seconds=$S round=$round/$R keepalived_checks=$KA_CHECKS keepalived_wall_s=$KA_WALL" \
        "keepalived_cpu_s_per_1000_checks=$KA_PER_1000 lbd_checks=$LBD_CHECKS lbd_failures=$LBD_FAILURES" \
        "lbd_cpu_s_per_1000_checks=$LBD_PER_1000 lbd_wakeups_per_s=$LBD_WAKEUPS lbd_lateness_ms_p99=$LBD_P99" \
        "ratio_lbd_over_keepalived=$ratio$floor expected_checks=$((N * S)) sanitized=${KT_SANITIZED:-0}"
      round=$((round + 1))
    done
    ratio=$(median </tmp/ratios)
    floor=""
    [ $type = http ] && floor=" median_ratio_floor_over_keepalived=$(median </tmp/floor-ratios)"
    echo "HCBENCH bench=guest-vs-keepalived-median placement=$placement type=$type targets=$N rounds=$R" \
      "ratios=$(tr '\n' ',' </tmp/ratios | sed 's/,$//') median_ratio_lbd_over_keepalived=$ratio$floor"
    if [ -n "${HC_MAX_RATIO:-}" ] && [ "$placement" = server-cpu ]; then
      kt_check "$placement $type: median lbd/keepalived CPU per check $ratio <= $HC_MAX_RATIO" \
        awk -v r="$ratio" -v m="$HC_MAX_RATIO" 'BEGIN { exit !(r > 0 && r <= m) }'
    fi
  done
done
kill -TERM "$LPID"
kt_finish

# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# guest-vrrp-load.sh: VRRP adverts while the director does IPVS work, lbd against keepalived, in
# the kernel-test guest. Parameters from /ktest/bench-params.sh (bench/vrrp_load/CMakeLists.txt):
# SIZE=10000x10 services x real servers, CHECKED=100 services (x10 = 1,000 real servers) with TCP
# checks, HEAVY=100 services whose real servers a reload changes, RECONCILE_S (lbd's period).
#
# One bridge; a pair of directors with VRRPv3, 100 ms adverts, multicast (primary priority 150,
# peer 100), the same table in each director's own IPVS; a recorder namespace obs runs vip_prober,
# which timestamps every advert it hears (CLOCK_MONOTONIC, receiving side) with the sender's MAC.
# First the lbd pair (d1, d2, VRID 51), then the keepalived pair (k1, k2, VRID 52; `keepalived -n`,
# its VRRP and checker processes, TCP_CHECK on the same real servers), one after the other so that
# neither loads the guest while the other is measured. Phases, on the primary:
#   cold_start    both started until both tables are programmed and the primary is MASTER, with
#                 the reads below every second from the start
#   idle          5 s of nothing (the reference)
#   reads         15 s: every second a metrics scrape and `services` on the control socket (lbd);
#                 `ipvsadm -Ln` in the namespace, the same read of the table by another process
#                 (keepalived has no such endpoint)
#   reload_one    a reload with one real server's weight changed, until the kernel has it
#   reload_1000   a reload changing the weights of 1,000 real servers, until the kernel has them
#   reconcile     RECONCILE_S + 5 s of nothing: lbd's periodic reconcile runs in it (keepalived has
#                 none: an idle window)
#   fail_1000     the TCP listener of 1,000 checked real servers stops (in both directors), until
#                 the primary's kernel has taken all of them out
# Per phase: the largest and p99 gap between the primary's adverts as received, gaps over 150 ms,
# and takeovers (separate runs of adverts from the peer):
#   BENCH vrrp_load lbd reads 10000x10 max_gap_ms=... p99_gap_ms=... over150=... peer_takeovers=... phase_s=...
# Other phases' periodic reconciles (every RECONCILE_S) may fall into any lbd phase.
# shellcheck disable=SC1091 # the guest helpers, tests/kernel/harness/guest-lib.sh
. /usr/lib/ktest/lib.sh

LBD=/usr/local/bin/lbd
CALL=/usr/local/bin/control_call
KA=/usr/local/bin/keepalived
PROBER=/usr/local/bin/vrrp_vip_prober
SINK=/usr/local/bin/tcp_sink
W=/tmp/vrrp_load
SIZE=100x4
CHECKED=10
HEAVY=10
RECONCILE_S=20
RT_PRIORITY=0 # SCHED_RR for the VRRP thread (lbd) and process (keepalived's vrrp_rt_priority); 0: none
# shellcheck source=/dev/null
[ -f "$KT_DIR/bench-params.sh" ] && . "$KT_DIR/bench-params.sh"
S=${SIZE%x*}
D=${SIZE#*x}
SINK_PORT=9000
for tool in "$LBD" "$CALL" "$KA" "$PROBER" "$SINK"; do
  [ -x "$tool" ] || kt_die "$tool is missing from the guest"
done
mkdir -p $W

# ------------------------------------------------------------------------------------ topology
kt_lan br0 || kt_die "creating the bridge"
join() { kt_lan_join br0 "$1" "$2/24" "$3" || kt_die "$1 on the LAN"; } # NS ADDRESS MAC
join obs 10.30.0.5 02:00:00:00:00:05
join d1 10.30.0.3 02:00:00:00:00:03
join d2 10.30.0.4 02:00:00:00:00:04
join k1 10.30.0.13 02:00:00:00:00:13
join k2 10.30.0.14 02:00:00:00:00:14

# ------------------------------------------------------------------------------------ configs
svc() { awk -v services="$S" -v dests="$D" -v checked="$CHECKED" -v check_to=127.0.0.1:$SINK_PORT -v check_interval=5s "$@" -f "$KT_DIR/gen-services.awk"; }
kasvc() { awk -v services="$S" -v dests="$D" -v checked="$CHECKED" -v check_ip=127.0.0.1 -v check_port=$SINK_PORT -v check_interval=5 "$@" -f "$KT_DIR/gen-keepalived.awk"; }
svc >$W/svc.conf && svc -v bump=1 >$W/svc-one.conf && svc -v bump=1 -v heavy="$HEAVY" >$W/svc-heavy.conf ||
  kt_die "generating lbd's services"
kasvc >$W/ka-svc.conf && kasvc -v bump=1 >$W/ka-svc-one.conf && kasvc -v bump=1 -v heavy="$HEAVY" >$W/ka-svc-heavy.conf ||
  kt_die "generating keepalived's services"
lbd_conf() { # DIRECTOR PRIORITY SERVICES-FILE
  printf '[global]\nnode_name = "%s"\ncontrol_socket = "/run/lbd-%s.sock"\nmetrics_listen = "127.0.0.1:9712"\n' "$1" "$1"
  printf 'reconcile_interval = "%ss"\nlog_level = "warning"\n' "$RECONCILE_S"
  [ "$RT_PRIORITY" -gt 0 ] && printf 'vrrp_realtime_priority = %s\n' "$RT_PRIORITY"
  printf '\n'
  printf '[[vrrp]]\nname = "web"\ninterface = "eth0"\nvrid = 51\npriority = %s\nversion = 3\n' "$2"
  printf 'advert_interval = "100ms"\nvirtual_ips = ["10.30.0.100/24"]\n'
  cat "$3"
}
ka_conf() { # DIRECTOR PRIORITY SERVICES-FILE
  printf 'global_defs {\n  router_id %s\n  vrrp_version 3\n' "$1"
  [ "$RT_PRIORITY" -gt 0 ] && printf '  vrrp_rt_priority %s\n' "$RT_PRIORITY"
  printf '}\n'
  printf 'vrrp_instance web {\n  state BACKUP\n  interface eth0\n  virtual_router_id 52\n  priority %s\n' "$2"
  printf '  advert_int 0.1\n  virtual_ipaddress {\n    10.30.0.101/24 dev eth0\n  }\n}\n'
  cat "$3"
}
for n in 1 2; do
  p=$((n == 1 ? 150 : 100))
  lbd_conf d$n $p $W/svc.conf >$W/d$n.conf
  ka_conf k$n $p $W/ka-svc.conf >$W/k$n.conf
done

# ------------------------------------------------------------------------------------ helpers
now_ns() { awk '{printf "%.0f\n", $1 * 1e9}' /proc/uptime; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f\n", (b - a) / 1e9}'; }
call() { $CALL "/run/lbd-$1.sock" "$2" '{}' ${3:+"$3"}; }
WANT=$((3 + S + S * D))
# /proc/net/ip_vs is opened by the process in the namespace (a redirection would open the shell's).
ipvs_lines() { kt_in "$1" awk 'END {print NR}' /proc/net/ip_vs; }
table_full() { [ "$(ipvs_lines "$1")" -eq "$WANT" ]; }
# weighted NS: real servers with a weight > 0 in NS's IPVS (drained or removed ones do not count).
weighted() { kt_in "$1" awk '$1 == "->" && $4 > 0 {n++} END {print n + 0}' /proc/net/ip_vs; }
# weight_of NS SERVICE-INDEX DEST-INDEX
weight_of() {
  _a=$(awk -v s="$2" -v d="$3" -v n="$D" 'function ip(b, k) {return "10." (b + int(k / 65536)) "." (int(k / 256) % 256) "." (k % 256)}
    BEGIN {print ip(1, s) ":80 " ip(128, s * n + d) ":8080"}')
  kt_in "$1" /usr/sbin/ipvsadm -Ln -t "${_a% *}" 2>/dev/null | awk -v r="${_a#* }" '$1 == "->" && $2 == r {print $4}'
}
weight_is() { [ "$(weight_of "$1" "$2" "$3")" = "$4" ]; }
# reads IMPL NS: one round of the reads of the "reads" phase; failures are counted, not fatal
# (during the cold start the endpoint may not be up yet).
READ_FAILS=0
reads() {
  if [ "$1" = lbd ]; then
    kt_in "$2" timeout 120 wget -q -O - http://127.0.0.1:9712/metrics >/dev/null 2>&1 || READ_FAILS=$((READ_FAILS + 1))
    call "$2" services >/dev/null 2>&1 || READ_FAILS=$((READ_FAILS + 1))
  else
    kt_in "$2" /usr/sbin/ipvsadm -Ln >/dev/null 2>&1 || READ_FAILS=$((READ_FAILS + 1))
  fi
}
# reads_until SECONDS-OR-0 IMPL NS [COND...]: a round of reads every second until SECONDS have
# passed (0: until COND holds; deadline 1800 s).
reads_until() {
  _t0=$(kt_now_cs) _n=0 _secs=$1 _impl=$2 _ns=$3
  shift 3
  while :; do
    if [ "$_secs" -gt 0 ]; then
      [ $(($(kt_now_cs) - _t0)) -lt $((_secs * 100)) ] || break
    else
      "$@" && break
      [ $(($(kt_now_cs) - _t0)) -lt 180000 ] || return 1
    fi
    reads "$_impl" "$_ns"
    _n=$((_n + 1))
    _left=$((_t0 + _n * 100 - $(kt_now_cs)))
    [ $_left -le 0 ] || sleep "$(awk -v c=$_left 'BEGIN {printf "%.2f", c / 100}')"
  done
}
# poll SECONDS COND...: COND every second (each look at a large table costs the guest CPU).
poll() {
  _t0=$(kt_now_cs) _secs=$1
  shift
  until "$@"; do
    [ $(($(kt_now_cs) - _t0)) -lt $((_secs * 100)) ] || return 1
    sleep 1
  done
}
# report IMPL PHASE FROM TO PRIMARY-MAC PEER-MAC [EXTRA]
report() {
  _st=$(awk -v mac="$5" -v from="$3" -v to="$4" -f "$KT_DIR/gaps.awk" $W/prober.out | sort -n | awk -f "$KT_DIR/gap-stats.awk")
  # A takeover: an advert from the peer whose previous advert (of this pair) was the primary's.
  _tk=$(awk -v p="$5" -v q="$6" -v f="$3" -v t="$4" '$2 != "A" || ($3 != p && $3 != q) {next}
    $3 == q && prev != q && $1 >= f && $1 <= t {n++} {prev = $3} END {print n + 0}' $W/prober.out)
  _m=$(echo "$_st" | sed 's/^max=\([^ ]*\) p99=\([^ ]*\) over150=\([^ ]*\) gaps=\([^ ]*\)$/max_gap_ms=\1 p99_gap_ms=\2 over150=\3 gaps=\4/')
  echo "BENCH vrrp_load $1 $2 $SIZE $_m peer_takeovers=$_tk phase_s=$(secs "$3" "$4")${7:+ $7}"
}
stop_sinks() { for _p in $SINKS; do kill -TERM "$_p" 2>/dev/null; wait "$_p" 2>/dev/null; done; SINKS=''; }

/usr/sbin/ip netns exec obs $PROBER 10.30.0.100 eth0 1000000 >$W/prober.out 2>$W/prober.err &
PROBER_PID=$!

# run_pair IMPL PRIMARY PEER: the phases for one implementation.
run_pair() {
  _impl=$1 P=$2 Q=$3
  PMAC=$([ "$P" = d1 ] && echo 02:00:00:00:00:03 || echo 02:00:00:00:00:13)
  QMAC=$([ "$P" = d1 ] && echo 02:00:00:00:00:04 || echo 02:00:00:00:00:14)
  SINKS=''
  for _ns in "$P" "$Q"; do
    /usr/sbin/ip netns exec "$_ns" $SINK 127.0.0.1 $SINK_PORT &
    SINKS="$SINKS $!"
    kt_wait_for 10 kt_listening "$_ns" $SINK_PORT || kt_die "tcp_sink in $_ns"
  done
  # cold start
  READ_FAILS=0
  F=$(now_ns)
  for _ns in "$P" "$Q"; do
    if [ "$_impl" = lbd ]; then
      /usr/sbin/ip netns exec "$_ns" $LBD -f "$W/$_ns.conf" >>"$W/$_ns.log" 2>&1 &
    else
      /usr/sbin/ip netns exec "$_ns" $KA -n -f "$W/$_ns.conf" -p "/run/ka-$_ns.pid" -c "/run/ka-$_ns-checkers.pid" \
        -r "/run/ka-$_ns-vrrp.pid" >>"$W/$_ns.log" 2>&1 &
    fi
    eval "PID_$_ns=\$!"
  done
  ready() { table_full "$P" && table_full "$Q" && [ "$(grep -c " A $PMAC " $W/prober.out)" -gt 0 ]; }
  reads_until 0 "$_impl" "$P" ready || kt_die "$_impl: not ready after 1800 s ($(ipvs_lines "$P"), $(ipvs_lines "$Q") of $WANT lines)"
  report "$_impl" cold_start "$F" "$(now_ns)" $PMAC $QMAC "read_failures=$READ_FAILS"
  # idle
  F=$(now_ns)
  sleep 5 # a measurement window
  report "$_impl" idle "$F" "$(now_ns)" $PMAC $QMAC
  # reads
  READ_FAILS=0
  F=$(now_ns)
  reads_until 15 "$_impl" "$P"
  report "$_impl" reads "$F" "$(now_ns)" $PMAC $QMAC "read_failures=$READ_FAILS"
  # reload_one, reload_1000
  for _r in one heavy; do
    F=$(now_ns)
    if [ "$_impl" = lbd ]; then
      lbd_conf "$P" 150 $W/svc-$_r.conf >$W/"$P".conf
      call "$P" reload >$W/reload.json 2>&1 || kt_fail "lbd reload: $(head -c 300 $W/reload.json)"
      _x="lbd_duration_ms=$(sed -n 's/.*"duration_ms":\([0-9.]*\).*/\1/p' $W/reload.json) ops=$(sed -n 's/.*"ipvs_ops":\([0-9]*\).*/\1/p' $W/reload.json)"
      # Where the reload's time went: reading and validating the file, the services' part.
      _x="$_x load_ms=$(sed -n 's/.*"load_ms":\([0-9.]*\).*/\1/p' $W/reload.json) services_ms=$(sed -n 's/.*"services_ms":\([0-9.]*\).*/\1/p' $W/reload.json)"
    else
      ka_conf "$P" 150 $W/ka-svc-$_r.conf >$W/"$P".conf
      kill -HUP "$(cat /run/ka-"$P".pid)"
      _x=''
    fi
    if [ $_r = one ]; then
      poll 1800 weight_is "$P" $((S - 1)) $((D - 1)) 2 || kt_fail "$_impl: the one-line change never reached IPVS"
      report "$_impl" reload_one "$F" "$(now_ns)" $PMAC $QMAC "$_x"
    else
      poll 1800 weight_is "$P" $((HEAVY - 1)) $((D - 1)) 2 || kt_fail "$_impl: the 1,000-line change never reached IPVS"
      report "$_impl" reload_1000 "$F" "$(now_ns)" $PMAC $QMAC "$_x"
    fi
  done
  # reconcile
  F=$(now_ns)
  sleep $((RECONCILE_S + 5)) # a measurement window holding one periodic reconcile
  report "$_impl" reconcile "$F" "$(now_ns)" $PMAC $QMAC
  # fail_1000
  _up=$(weighted "$P")
  F=$(now_ns)
  stop_sinks
  failed() { [ "$(weighted "$P")" -le $((_up - CHECKED * D)) ]; }
  poll 1800 failed || kt_fail "$_impl: the failed real servers were never taken out ($(weighted "$P") weighted)"
  report "$_impl" fail_1000 "$F" "$(now_ns)" $PMAC $QMAC "taken_out=$((_up - $(weighted "$P")))"
  # The pair stops; its kernel tables stay (they are only memory, and the next pair has its own).
  eval "kill -KILL \$PID_$P \$PID_$Q"
  eval "wait \$PID_$P \$PID_$Q" 2>/dev/null
}

T0=$(now_ns)
run_pair lbd d1 d2
kt_log "lbd pair done in $(secs "$T0" "$(now_ns)") s"
T0=$(now_ns)
run_pair keepalived k1 k2
kt_log "keepalived pair done in $(secs "$T0" "$(now_ns)") s"
kill -TERM $PROBER_PID
wait $PROBER_PID
kt_finish

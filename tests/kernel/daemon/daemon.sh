# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# kernel_daemon: two lbd directors against real IPVS.
#
# One L2 segment, bridge br0 in the guest's root namespace:
#   client 10.30.0.2, directors d1 10.30.0.3 (priority 150) and d2 10.30.0.4 (priority 100) running
#   lbd with one VRRP instance (VIP 10.30.0.100/24, unicast peers) and one DR service on the VIP,
#   real servers rs1..rs3 10.30.0.11-13 holding the VIP on lo (arp_ignore/arp_announce), busybox
#   httpd answering RS1..RS3. Each director programs IPVS in its own namespace; the client reaches
#   the VIP through whichever holds it.
#
# Scenarios, in order (one boot): start; reload adding a real server (exactly 1 IPVS write, no VRRP
# transition, the other checks keep their state); a broken reload (old config keeps running, the
# error in `status`); `ipvsadm -C`, `--set` and `--stop-daemon` behind lbd's back (repaired within
# one reconcile period); SIGKILL and restart with the kernel already matching (0 writes); operator
# drain with `lbctl drain --wait` (weight 0, deleted when the connection ends, lbctl returning then;
# enable brings it back; the agent check (agent.sh: each reply kind in the kernel's table); the held connection reaches the BACKUP through the kernel's sync daemons,
# master on the MASTER and backup on the BACKUP); the metrics endpoint scraped, parsed and passed through `promtool check metrics`; a
# takeover with a synced connection open (d1 stops under exit_policy keep, everything left; the
# connection goes on through d2); SIGTERM under exit_policy remove (nothing left).
# Figures are printed as "FIGURE name value" lines.
# shellcheck disable=SC1091 # the guest helpers, tests/kernel/harness/guest-lib.sh
. /usr/lib/ktest/lib.sh

LBD=/usr/local/bin/lbd
CALL=/usr/local/bin/control_call
LBCTL=/usr/local/bin/lbctl
W=/tmp/daemon
mkdir -p $W
VIP=10.30.0.100
RECONCILE_S=2

# ------------------------------------------------------------------------------------ topology
ip link add br0 type bridge forward_delay 0 || kt_die "creating the bridge"
ip link set br0 up
join() { # NS ADDRESS
  if ! { kt_netns "$1" && kt_veth - "p-$1" "$1" eth0 && ip link set "p-$1" master br0; }; then
    kt_die "veth for $1"
  fi
  ip -n "$1" addr add "$2/24" dev eth0
}
join client 10.30.0.2
join d1 10.30.0.3
join d2 10.30.0.4
n=1
for rs in rs1 rs2 rs3; do
  join $rs 10.30.0.1$n
  ip -n $rs addr add $VIP/32 dev lo
  for conf in all eth0; do
    kt_in $rs sysctl -q -w "net.ipv4.conf.$conf.arp_ignore=1" "net.ipv4.conf.$conf.arp_announce=2" ||
      kt_die "arp sysctls in $rs"
  done
  kt_httpd $rs 0.0.0.0 80 "RS$n" || kt_die "httpd in $rs does not listen"
  n=$((n + 1))
done
kt_log "topology ready"

# ------------------------------------------------------------------------------------ helpers
# conf DIRECTOR PRIORITY PEER POLICY REAL-SERVERS...: lbd.conf of one director.
conf() {
  _d=$1 _prio=$2 _peer=$3 _policy=$4
  shift 4
  cat <<EOF
[global]
node_name = "$_d"
control_socket = "/run/lbd-$_d.sock"
metrics_listen = "127.0.0.1:9712"
reconcile_interval = "${RECONCILE_S}s"
exit_policy = "$_policy"
drain_timeout = "60s"

[ipvs]
timeouts = { tcp_fin = "2s" }
sync_daemon = { interface = "eth0", sync_id = 51, follow = "web" }

[[vrrp]]
name = "web"
interface = "eth0"
vrid = 51
priority = $_prio
advert_interval = "1s"
virtual_ips = ["$VIP/24"]
unicast_peers = ["$_peer"]

[[virtual_server]]
name = "web"
address = "$VIP:80"
scheduler = "rr"
forwarding = "dr"
vrrp = "web"
# Generous timeout and fall: a TCG guest on a loaded host answers slowly at times, and a flapping
# check would add IPVS writes the test counts.
check = { type = "http", path = "/", interval = "1s", timeout = "900ms", rise = 1, fall = 3 }
EOF
  for _rs in "$@"; do printf '[[virtual_server.real_server]]\naddress = "%s:80"\n' "$_rs"; done
}

# start_lbd DIRECTOR: lbd in its namespace on $W/DIRECTOR.conf; sets LBD_PID. iproute2 is
# called directly (not through a shell function) so that $! is lbd's PID (ip netns exec execs it).
start_lbd() {
  /usr/sbin/ip netns exec "$1" $LBD -f "$W/$1.conf" >>"$W/$1.log" 2>&1 &
  LBD_PID=$!
}
# call DIRECTOR COMMAND [ARGS-JSON [POINTER]]: one control-socket request.
call() {
  _args=${3:-'{}'}
  $CALL "/run/lbd-$1.sock" "$2" "$_args" ${4:+"$4"}
}
answers() { call "$1" status >/dev/null 2>&1; }
vrrp_state() { call "$1" vrrp '{}' /0/state 2>/dev/null; }
state_is() { [ "$(vrrp_state "$1")" = "$2" ]; }
# dests DIRECTOR: "address weight active inactive" per real server of the service, sorted.
dests() {
  kt_in "$1" /usr/sbin/ipvsadm -Ln -t $VIP:80 2>/dev/null | awk '$1 == "->" && $2 != "RemoteAddress:Port" {print $2, $4, $5, $6}' | sort
}
dest_count_is() { [ "$(dests "$1" | grep -c .)" -eq "$2" ]; }
has_dest() { dests "$1" | grep -q "^$2:80 "; }
weight_of() { dests "$1" | awk -v a="$2:80" '$1 == a {print $2}'; }
# sync_role_is DIRECTOR ROLE: the kernel runs exactly the sync daemon of ROLE (master, backup) there.
sync_role_is() {
  _daemons=$(kt_in "$1" /usr/sbin/ipvsadm -L --daemon 2>/dev/null)
  [ "$(echo "$_daemons" | grep -c 'sync daemon')" -eq 1 ] && echo "$_daemons" | grep -q "^$2 sync daemon (mcast=eth0, syncid=51"
}
# conn_sources DIRECTOR STATE: client address:port of the IPVS connection entries to the VIP in STATE.
conn_sources() { kt_in "$1" /usr/sbin/ipvsadm -Lnc 2>/dev/null | awk -v s="$2" -v v="$VIP:80" '$3 == s && $5 == v {print $4}'; }
metrics() { kt_in "$1" timeout 5 wget -q -O - http://127.0.0.1:9712/metrics 2>/dev/null; }
# metric DIRECTOR NAME: the sum of every series of NAME (0 when absent).
metric() { metrics "$1" | awk -v n="$2" '$1 == n || index($1, n "{") == 1 {s += $2} END {print s + 0}'; }
metric_ge() { [ "$(metric "$1" "$2")" -ge "$3" ]; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f\n", b - a}'; }
figure() { echo "FIGURE $*"; }

# ------------------------------------------------------------------------------------ start
conf d1 150 10.30.0.4 keep 10.30.0.11 10.30.0.12 >$W/d1.conf
conf d2 100 10.30.0.3 remove 10.30.0.11 10.30.0.12 >$W/d2.conf
start_lbd d1
PID_d1=$LBD_PID
start_lbd d2
PID_d2=$LBD_PID
kt_wait_for 20 answers d1 || kt_die "d1: control socket: $(call d1 status 2>&1 | head -c 300); log: $(tail -n 5 $W/d1.log)"
kt_wait_for 20 answers d2 || kt_die "d2's control socket does not answer: $(tail -n 5 $W/d2.log)"
kt_wait_for 20 state_is d1 MASTER || kt_die "d1 is not MASTER: $(vrrp_state d1)"
kt_wait_for 20 state_is d2 BACKUP || kt_die "d2 is not BACKUP: $(vrrp_state d2)"
kt_pass "d1 MASTER, d2 BACKUP"
for d in d1 d2; do
  kt_wait_for 20 dest_count_is $d 2 || kt_die "$d: the real servers never reached IPVS: $(dests $d | tr '\n' '|')"
done
kt_pass "both directors programmed IPVS with the two checked real servers"
kt_expect_alternation "start" client http://$VIP/ RS1 RS2
kt_check "the sync daemon follows VRRP: master on d1" kt_wait_for 10 sync_role_is d1 master
kt_check "the sync daemon follows VRRP: backup on d2" kt_wait_for 10 sync_role_is d2 backup

# ------------------------------------------------------------------------------------ (a) reload
kt_wait_for 10 metric_ge d1 lbd_service_reconciles_total 2 || kt_fail "no periodic reconcile on d1"
OPS0=$(metric d1 lbd_ipvs_operations_total)
AT0=$(call d1 vrrp '{}' /0/last_transition/at)
PROBES0=$(call d1 checks '{}' /0/probes)
conf d1 150 10.30.0.4 keep 10.30.0.11 10.30.0.12 10.30.0.13 >$W/d1.conf
conf d2 100 10.30.0.3 remove 10.30.0.11 10.30.0.12 10.30.0.13 >$W/d2.conf
T0=$(uptime_s)
kill -HUP "$PID_d1"
kill -HUP "$PID_d2"
kt_wait_for 20 has_dest d1 10.30.0.13 || kt_fail "reload: rs3 never reached d1's IPVS"
T1=$(uptime_s)
# Two more reconcile passes: any stray write would be counted by now.
R0=$(metric d1 lbd_service_reconciles_total)
kt_wait_for 10 metric_ge d1 lbd_service_reconciles_total $((R0 + 2)) || kt_fail "reconciles stopped after reload"
OPS1=$(metric d1 lbd_ipvs_operations_total)
kt_expect_eq "IPVS write operations for a reload adding one real server" 1 $((OPS1 - OPS0))
kt_expect_eq "VRRP state after reload" MASTER "$(vrrp_state d1)"
kt_expect_eq "VRRP last transition unchanged by the reload" "$AT0" "$(call d1 vrrp '{}' /0/last_transition/at)"
# A check restarted by the reload would count its probes from 0 again.
PROBES1=$(call d1 checks '{}' /0/probes)
kt_check "rs1's check kept running across the reload (probes $PROBES0 -> $PROBES1)" [ "$PROBES1" -gt "$PROBES0" ]
kt_expect_eq "rs1 still up after the reload" up "$(call d1 checks '{}' /0/status)"
figure reload_ops $((OPS1 - OPS0))
figure reload_to_new_server_in_kernel_s "$(elapsed "$T0" "$T1")"
figure reload_report "$(call d1 status '{}' /reload 2>&1)"
kt_wait_for 20 has_dest d2 10.30.0.13 || kt_fail "reload: rs3 never reached d2's IPVS"
kt_expect_eq "d2 still BACKUP after reload" BACKUP "$(vrrp_state d2)"

# ------------------------------------------------------------------------------------ (b) broken reload
cp $W/d1.conf $W/d1.good
printf '[[virtual_server]]\nname = "broken"\naddress = "10.30.0.300:80"\n' >>$W/d1.conf
kill -HUP "$PID_d1"
reload_failed() { call d1 status >$W/status.json 2>&1 && grep -q '10.30.0.300' $W/status.json; }
if kt_wait_for 10 reload_failed; then
  kt_pass "the broken config's error is in status: $(grep -o '"reload":{[^}]*}' $W/status.json)"
else
  kt_fail "status does not show the broken reload: $(cat $W/status.json)"
fi
kt_check "lbd still runs after the broken reload" kill -0 "$PID_d1"
kt_check "IPVS still holds the three real servers" dest_count_is d1 3
kt_expect_eq "VRRP still MASTER after the broken reload" MASTER "$(vrrp_state d1)"
kt_check "traffic still flows" [ "$(kt_fetch client http://$VIP/)" != NONE ]
kt_expect_eq "lbd_config_last_reload_successful after the broken reload" 0 \
  "$(metric d1 lbd_config_last_reload_successful)"
cp $W/d1.good $W/d1.conf
kill -HUP "$PID_d1"
kt_wait_for 10 metric_ge d1 lbd_config_last_reload_successful 1 ||
  kt_fail "lbd_config_last_reload_successful not back to 1 after a good reload"

# ------------------------------------------------------------------------------------ (c) drift
kt_in d1 /usr/sbin/ipvsadm -C || kt_die "ipvsadm -C in d1"
T0=$(uptime_s)
if kt_wait_for 15 dest_count_is d1 3; then
  T1=$(uptime_s)
  DRIFT=$(elapsed "$T0" "$T1")
  kt_check "ipvsadm -C repaired within one reconcile period (${DRIFT} s, period ${RECONCILE_S} s + 2 s slack)" \
    awk -v t="$DRIFT" -v p="$RECONCILE_S" 'BEGIN {exit !(t <= p + 2)}'
  figure drift_repair_s "$DRIFT"
else
  kt_fail "ipvsadm -C: d1's table not repaired after 15 s: $(dests d1 | tr '\n' '|')"
fi
# The timeouts and the sync daemon are repaired the same way.
kt_in d1 /usr/sbin/ipvsadm --set 0 7 0 || kt_die "ipvsadm --set in d1"
kt_in d1 /usr/sbin/ipvsadm --stop-daemon master || kt_die "ipvsadm --stop-daemon in d1"
tcp_fin_of() { kt_in "$1" /usr/sbin/ipvsadm -L --timeout | awk '{print $(NF - 1)}'; }
tcp_fin_is() { [ "$(tcp_fin_of "$1")" = "$2" ]; }
kt_check "ipvsadm --set: tcp_fin back to 2 s within 15 s" kt_wait_for 15 tcp_fin_is d1 2
kt_check "ipvsadm --stop-daemon: d1's master sync daemon back within 15 s" kt_wait_for 15 sync_role_is d1 master

# ------------------------------------------------------------------------------------ (d) SIGKILL, restart
kill -KILL "$PID_d2"
wait "$PID_d2" 2>/dev/null
kt_check "d2's IPVS table survives SIGKILL" dest_count_is d2 3
start_lbd d2
PID_d2=$LBD_PID
kt_wait_for 20 answers d2 || kt_die "restarted d2 does not answer: $(tail -n 5 $W/d2.log)"
# The start-up reconcile, two periodic ones, and every check has reported at least once.
kt_wait_for 15 metric_ge d2 lbd_service_reconciles_total 3 || kt_fail "restarted d2 does not reconcile"
kt_expect_eq "IPVS write operations after restarting on a matching kernel" 0 "$(metric d2 lbd_ipvs_operations_total)"
kt_expect_eq "restarted d2 is BACKUP" BACKUP "$(vrrp_state d2)"

# ------------------------------------------------------------------------------------ (e) drain
mkfifo $W/hold
/usr/sbin/ip netns exec client nc $VIP 80 <$W/hold >/dev/null 2>&1 &
NC=$!
exec 3>$W/hold
active_somewhere() { dests d1 | awk '$3 > 0 {f = 1} END {exit !f}'; }
kt_wait_for 10 active_somewhere || kt_fail "the held connection does not show in d1's IPVS"
HELD=$(dests d1 | awk '$3 > 0 {sub(":80$", "", $1); print $1; exit}')
kt_log "held connection on $HELD"
# The start of a request is the connection's third packet through d1, when IPVS first syncs an
# established connection (sync_threshold 3): d2's table learns it from d1's sync daemon. d2 was
# restarted in (d), so its backup daemon is one it adopted or restarted.
printf 'GET / HTTP/1.1\r\n' >&3
HELD_FROM=$(conn_sources d1 ESTABLISHED | head -n 1)
synced() { conn_sources d2 ESTABLISHED | grep -qx "$HELD_FROM"; }
if [ -z "$HELD_FROM" ]; then
  kt_fail "no ESTABLISHED entry for the held connection on d1: $(kt_in d1 /usr/sbin/ipvsadm -Lnc | tr '\n' '|')"
elif kt_wait_for 10 synced; then
  kt_pass "the held connection ($HELD_FROM) reached d2 through the sync daemons"
else
  kt_fail "d2 never learned the held connection; d1: $(kt_in d1 /usr/sbin/ipvsadm -Lnc | tr '\n' '|'); d2 daemons: $(kt_in d2 /usr/sbin/ipvsadm -L --daemon | tr '\n' '|')"
fi
# The operator's drain through lbctl, which waits for the held connection to end.
$LBCTL -s /run/lbd-d1.sock drain "$HELD:80" --wait --timeout 60s >$W/drain-wait.out 2>&1 &
WAITER=$!
waiting_shown() { grep -q '^waiting: 1 server in the kernel: 1 active connection ' $W/drain-wait.out; }
kt_check "lbctl drain --wait shows the held connection" kt_wait_for 15 waiting_shown
kt_expect_eq "drained server's kernel weight" 0 "$(weight_of d1 "$HELD")"
others=0
for _ in 1 2 3 4; do
  got=$(kt_fetch client http://$VIP/)
  [ "RS${HELD##*.1}" != "$got" ] || others=$((others + 1))
done
kt_expect_eq "new connections sent to the drained server" 0 "$others"
kt_check "drained server stays while its connection lasts" has_dest d1 "$HELD"
waiter_done() { kt_not_running "$WAITER"; }
waiter_running() { ! waiter_done; }
kt_check "lbctl drain --wait waits while the connection lasts" waiter_running
kill "$NC"
exec 3>&-
T0=$(uptime_s)
gone() { ! has_dest d1 "$HELD"; }
if kt_wait_for 20 gone; then
  figure drain_removed_after_close_s "$(elapsed "$T0" "$(uptime_s)")"
  kt_pass "drained server deleted once its connection ended"
else
  kt_fail "drained server still in IPVS 20 s after its connection ended: $(dests d1 | tr '\n' '|')"
fi
if kt_wait_for 20 waiter_done; then
  kt_log "lbctl drain --wait printed: $(tr '\n' '|' <$W/drain-wait.out)"
  wait "$WAITER"
  kt_expect_eq "lbctl drain --wait exit status once the connection ended" 0 "$?"
  kt_check "lbctl drain --wait: $(tail -n 1 $W/drain-wait.out)" grep -q '^drained: no active connection left after' \
    $W/drain-wait.out
else
  kt_fail "lbctl drain --wait still waits 20 s after the connection ended: $(tr '\n' '|' <$W/drain-wait.out)"
  kill "$WAITER"
fi
call d1 enable "{\"server\": \"$HELD:80\"}" >/dev/null || kt_fail "enable refused"
kt_expect_eq "enabled server back at weight" 1 "$(weight_of d1 "$HELD")"
kt_expect_eq "unknown server refused" "error: no real server 10.30.0.99:80 in any service" \
  "$(call d1 drain '{"server": "10.30.0.99:80"}')"

# ------------------------------------------------------------------------------------ (i) agent check
# shellcheck source=tests/kernel/daemon/agent.sh
. "$KT_DIR/agent.sh"

# ------------------------------------------------------------------------------------ (f) metrics
metrics d1 >$W/metrics.txt || kt_fail "scraping d1's metrics endpoint"
BAD=$(awk '/^#/ || /^$/ {next}
  !/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? [-+0-9.eEINaf]+$/ {print; n++} END {exit 0}' $W/metrics.txt | head -n 3)
kt_expect_eq "every metrics line parses as 'name{labels} value'" "" "$BAD"
kt_check "metrics: $(grep -c . $W/metrics.txt) lines" [ "$(grep -c '^lbd_' $W/metrics.txt)" -gt 20 ]
kt_expect_eq "lbd_realserver_up of rs1" 1 \
  "$(awk '$1 == "lbd_realserver_up{service=\"web\",server=\"10.30.0.11:80\"}" {print $2}' $W/metrics.txt)"
# The service's counter restarted with `ipvsadm -C` in (c); it must say what ipvsadm says.
SVC_CONNS=$(awk '$1 == "lbd_ipvs_service_connections_total{service=\"web\"}" {print $2}' $W/metrics.txt)
ADM_CONNS=$(kt_in d1 /usr/sbin/ipvsadm -Ln --stats --exact -t $VIP:80 | awk '$1 == "TCP" {print $3}')
kt_expect_eq "lbd_ipvs_service_connections_total{service=web} equals ipvsadm's count" "$ADM_CONNS" "$SVC_CONNS"
kt_check "the service counted the connections since (c) ($SVC_CONNS)" [ "${SVC_CONNS:-0}" -ge 5 ]
kt_check "per-real-server connections are exported" grep -q '^lbd_ipvs_realserver_connections_total{service="web",server="10.30.0.12:80"} [1-9]' $W/metrics.txt
kt_check "IPVS operations are counted by kind" grep -q '^lbd_ipvs_operations_total{op="add_dest"} [1-9]' $W/metrics.txt
kt_check "kernel statistics are counters" grep -q '^# TYPE lbd_ipvs_realserver_bytes_total counter$' $W/metrics.txt
kt_expect_eq "lbd_realserver_weight of rs1" 1 \
  "$(awk '$1 == "lbd_realserver_weight{service=\"web\",server=\"10.30.0.11:80\"}" {print $2}' $W/metrics.txt)"
kt_check "lbd_build_info carries the version" grep -q '^lbd_build_info{version="[0-9][^"]*"} 1$' $W/metrics.txt
kt_check "the event loop lag is measured" grep -q '^lbd_event_loop_lateness_seconds_count [1-9]' $W/metrics.txt
# Prometheus' own linter on the whole scrape (types, _total suffixes, HELP, histograms, escaping);
# it exits non-zero on any problem and says which.
if /ktest/promtool check metrics <$W/metrics.txt >$W/promtool.out 2>&1; then
  kt_pass "promtool check metrics accepts the scrape"
else
  kt_fail "promtool check metrics: $(tr '\n' '|' <$W/promtool.out)"
fi

# ------------------------------------------------------------------------------------ (h) takeover
# A connection opened through d1 and synced to d2 goes on through d2 once d1 has stopped: d2's
# IPVS forwards its next packet to the same real server. Without the synced entry that packet
# would reach d2's own stack, which now holds the VIP, and be answered with a reset.
mkfifo $W/hold2
/usr/sbin/ip netns exec client nc $VIP 80 <$W/hold2 >$W/held2.out 2>&1 &
NC2=$!
exec 4>$W/hold2
printf 'GET / HTTP/1.1\r\n' >&4
open_on_d1() { [ -n "$(conn_sources d1 ESTABLISHED)" ]; }
kt_wait_for 10 open_on_d1 || kt_fail "the second held connection does not show on d1"
HELD_FROM=$(conn_sources d1 ESTABLISHED | head -n 1)
kt_check "the second held connection ($HELD_FROM) reached d2" kt_wait_for 10 synced
T0=$(uptime_s)
kill -TERM "$PID_d1"
wait "$PID_d1"
kt_expect_eq "d1 exit status on SIGTERM" 0 "$?"
figure stop_keep_s "$(elapsed "$T0" "$(uptime_s)")"
kt_check "exit_policy keep: d1's IPVS keeps the three real servers" dest_count_is d1 3
kt_check "d2 takes over" kt_wait_for 10 state_is d2 MASTER
kt_check "the sync daemon follows VRRP: master on d2 after the takeover" kt_wait_for 10 sync_role_is d2 master
printf 'Host: %s\r\n\r\n' "$VIP" >&4
answered() { grep -q '^RS[123]' $W/held2.out; }
if kt_wait_for 10 answered; then
  kt_pass "the connection opened through d1 was answered through d2: $(grep '^RS' $W/held2.out)"
else
  kt_fail "no answer on the connection held across the takeover: '$(tr '\r\n' '  ' <$W/held2.out)'"
fi
exec 4>&-
kill "$NC2" 2>/dev/null

# ------------------------------------------------------------------------------------ (g) stop
T0=$(uptime_s)
kill -TERM "$PID_d2"
wait "$PID_d2"
kt_expect_eq "d2 exit status on SIGTERM" 0 "$?"
figure stop_remove_s "$(elapsed "$T0" "$(uptime_s)")"
kt_expect_eq "exit_policy remove: d2's IPVS is empty when lbd has exited" "" "$(kt_in d2 /usr/sbin/ipvsadm -Sn)"

echo "--- d1.log"
tail -n 40 $W/d1.log
kt_finish

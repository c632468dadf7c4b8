# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# kernel_outlier_detection: passive outlier detection against real IPVS (NAT).
#
# The NAT lab (kt_nat_topology): the guest's root namespace is the director running lbd, client
# 10.10.0.2, real servers rs1 10.20.1.2 and rs2 10.20.2.2, each running `conn_pacer serve` on ports
# 8080-8129 (accept and close, one process). The director's tcp checks come from 10.20.n.1.
#
#  1. Service web (VIP:80 -> rs1:8080, rs2:8080, outlier_detection every 500 ms). A client opens 100
#     connections a second; then rs1 black-holes the client (a blackhole route to 10.10.0.2: its
#     SYN-ACKs go nowhere) while its health check, from the director, still passes. rs1 must be
#     ejected (IPVS weight 0, lbctl "ejected", the evidence in the log, the metric), rs2 never; the
#     black hole lifted, rs1 must come back after base_ejection_time (15 s: the checks made while it is out
#     must end before the ejection does, also under ASan on a loaded host, or the black hole, still there,
#     ejects it again).
#  2. A reload adds service many (VIP:81 -> 100 real servers, 50 ports on each namespace, defaults:
#     every 1 s, at most 10% out). 100 new connections a second for MANY_SECONDS (30; the bench,
#     bench/outliers, runs 600): no server may be ejected, nor held.
# Figures are printed as "FIGURE name value", the bench's as one "BENCH ..." line.
# shellcheck disable=SC1091 # the guest helpers, tests/kernel/harness/guest-lib.sh
. /usr/lib/ktest/lib.sh
MANY_SECONDS=30
# shellcheck disable=SC1091 # the bench's parameters (bench/outliers), absent in the test
[ -f /ktest/bench-params.sh ] && . /ktest/bench-params.sh

LBD=/usr/local/bin/lbd
LBCTL=/usr/local/bin/lbctl
PACER=/usr/local/bin/conn_pacer
W=/tmp/outliers
KT_RUN=$W/run
mkdir -p $W
VIP=10.10.0.100
RATE=100

kt_nat_topology $VIP
for n in 1 2; do
  kt_spawn "serve$n" "rs$n" $PACER serve "10.20.$n.2" 8080 50
  kt_wait_for 10 kt_listening "rs$n" 8129 || kt_die "conn_pacer does not listen in rs$n"
done
kt_log "topology ready"

# ------------------------------------------------------------------------------------ helpers
web_conf() {
  cat <<EOF
[global]
control_socket = "/run/lbd.sock"
metrics_listen = "127.0.0.1:9712"
reconcile_interval = "5s"

[[virtual_server]]
name = "web"
address = "$VIP:80"
scheduler = "rr"
check = { type = "tcp", interval = "1s", timeout = "900ms", rise = 1, fall = 3 }
outlier_detection = { interval = "500ms", base_ejection_time = "15s" }
[[virtual_server.real_server]]
address = "10.20.1.2:8080"
[[virtual_server.real_server]]
address = "10.20.2.2:8080"
EOF
}
many_conf() {
  cat <<EOF

[[virtual_server]]
name = "many"
address = "$VIP:81"
scheduler = "rr"
check = { type = "tcp", interval = "2s", timeout = "1s", rise = 1, fall = 3 }
outlier_detection = {}
EOF
  for n in 1 2; do
    port=8080
    while [ $port -lt 8130 ]; do
      printf '[[virtual_server.real_server]]\naddress = "10.20.%s.2:%s"\n' $n $port
      port=$((port + 1))
    done
  done
}
dests() { # PORT: "address weight" per real server of VIP:PORT
  ipvsadm -Ln -t "$VIP:$1" 2>/dev/null | awk '$1 == "->" && $2 != "RemoteAddress:Port" {print $2, $4}'
}
weight_of() { dests "$1" | awk -v a="$2" '$1 == a {print $2}'; }
weight_is() { [ "$(weight_of "$1" "$2")" = "$3" ]; }
dest_count_is() { [ "$(dests "$1" | grep -c .)" -eq "$2" ]; }
metrics() { timeout 5 wget -q -O - http://127.0.0.1:9712/metrics 2>/dev/null; }
# series NAME LABELS: one series' value (0 when absent), e.g. series lbd_x '{service="web"}'.
series() { metrics | awk -v s="$1$2" '$1 == s {v = $2} END {print v + 0}'; }
conns_at_least() { [ "$(ipvsadm -Ln --stats -t "$VIP:$1" | awk '$1 == "TCP" {print $3}')" -ge "$2" ]; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f\n", b - a}'; }
figure() { echo "FIGURE $*"; }
# client_counts NAME: "opened N answered A unanswered U refused R" once the client has finished.
client_counts() { tail -n 1 "$KT_RUN/$1.log"; }
field() { echo "$1" | awk -v k="$2" '{for (i = 1; i < NF; i++) if ($i == k) print $(i + 1)}'; }

# ------------------------------------------------------------------------------------ 1. black hole
web_conf >$W/lbd.conf
$LBD -f $W/lbd.conf >$W/lbd.log 2>&1 &
LBD_PID=$!
kt_wait_for 30 dest_count_is 80 2 || kt_die "the real servers never reached IPVS: $(tail -n 5 $W/lbd.log)"
kt_wait_for 20 weight_is 80 10.20.1.2:8080 1 || kt_die "rs1 is not in at weight 1: $(dests 80 | tr '\n' '|')"
kt_pass "lbd programmed web with both real servers"

kt_spawn client1 client $PACER client "$VIP:80" $RATE 30
kt_wait_for 20 conns_at_least 80 300 || kt_die "no traffic through the VIP: $(ipvsadm -Ln --stats)"
ip -n rs1 route add blackhole 10.10.0.2/32 || kt_die "blackhole route in rs1"
T0=$(uptime_s)
if kt_wait_for 10 weight_is 80 10.20.1.2:8080 0; then
  T1=$(uptime_s)
  kt_pass "rs1, black-holing the client, ejected after $(elapsed "$T0" "$T1") s"
  figure ejection_s "$(elapsed "$T0" "$T1")"
else
  kt_fail "rs1 was not ejected within 10 s: $(dests 80 | tr '\n' '|'); log: $(grep -i outlier $W/lbd.log | tail -n 3)"
fi
kt_expect_eq "lbd_outlier_events_total ejected" 1 "$(series lbd_outlier_events_total '{service="web",event="ejected"}')"
kt_expect_eq "lbd_realservers_ejected" 1 "$(series lbd_realservers_ejected '{service="web"}')"
$LBCTL -s /run/lbd.sock services >$W/services.txt 2>&1
if grep '10.20.1.2:8080' $W/services.txt | grep -q 'ejected, back in'; then
  kt_pass "lbctl services shows the ejection: $(grep '10.20.1.2:8080' $W/services.txt)"
else
  kt_fail "lbctl services does not show the ejection: $(cat $W/services.txt)"
fi
if grep -q 'real server 10.20.1.2:8080 down (outlier: [0-9]* of [0-9]* new connections unanswered' $W/lbd.log; then
  kt_pass "the ejection is logged with its evidence: $(grep -o 'outlier: .*' $W/lbd.log | head -n 1)"
else
  kt_fail "no ejection with evidence in the log: $(grep -i outlier $W/lbd.log | head -n 3)"
fi
kt_expect_eq "no health check went down meanwhile" 0 "$(series lbd_check_transitions_total '{type="tcp",to="down"}')"
kt_expect_eq "rs2 keeps its weight" 1 "$(weight_of 80 10.20.2.2:8080)"

ip -n rs1 route del blackhole 10.10.0.2/32 || kt_die "removing the blackhole route"
if kt_wait_for 40 weight_is 80 10.20.1.2:8080 1; then
  kt_pass "rs1 back at weight 1, $(elapsed "$T1" "$(uptime_s)") s after its ejection (base_ejection_time 15s)"
else
  kt_fail "rs1 did not come back: $(dests 80 | tr '\n' '|')"
fi
kt_wait_for 60 kt_not_running "$(kt_pid_of client1)" || kt_fail "the first client did not finish"
C1=$(client_counts client1)
kt_log "client, 30 s at $RATE/s: $C1"
figure black_hole_phase_client "$C1"
kt_expect_eq "rs2 was never ejected (events)" 1 "$(series lbd_outlier_events_total '{service="web",event="ejected"}')"
kt_expect_eq "no ejection held back" 0 "$(series lbd_outlier_events_total '{service="web",event="held"}')"

# ------------------------------------------------------------------------------------ 2. 100 servers
{ web_conf; many_conf; } >$W/lbd.conf
kill -HUP $LBD_PID
kt_wait_for 60 dest_count_is 81 100 || kt_die "service many: $(dests 81 | grep -c .) of 100 real servers in IPVS"
kt_wait_for 30 test "$(dests 81 | awk '$2 == 1' | grep -c .)" -eq 100 ||
  kt_die "service many: not every real server at weight 1: $(dests 81 | awk '$2 != 1' | head -n 3 | tr '\n' '|')"
kt_pass "reload: service many with 100 real servers"
kt_spawn client2 client $PACER client "$VIP:81" $RATE "$MANY_SECONDS"
kt_wait_for $((MANY_SECONDS + 60)) kt_not_running "$(kt_pid_of client2)" || kt_fail "the second client did not finish"
C2=$(client_counts client2)
EJECTED=$(series lbd_outlier_events_total '{service="many",event="ejected"}')
HELD=$(series lbd_outlier_events_total '{service="many",event="held"}')
kt_log "client, $MANY_SECONDS s at $RATE/s over 100 servers: $C2"
kt_expect_eq "false ejections among 100 healthy servers in $MANY_SECONDS s" 0 "$EJECTED"
kt_expect_eq "ejections held back among 100 healthy servers" 0 "$HELD"
figure false_ejections "$EJECTED"
echo "BENCH outlier_false_ejections servers=100 seconds=$MANY_SECONDS rate=$RATE connections=$(field "$C2" answered)" \
  "unanswered=$(field "$C2" unanswered) refused=$(field "$C2" refused) ejected=$EJECTED held=$HELD" \
  "web_ejection_s=$(elapsed "$T0" "${T1:-$T0}")"

# ------------------------------------------------------------------------------------ end
kill -TERM $LBD_PID
kt_wait_for 20 kt_not_running $LBD_PID || kt_fail "lbd still runs 20 s after SIGTERM"
kt_stop_all
kt_finish

# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh disable=SC1091
# kernel_fullnat: FULLNAT (IPVS nat + net.ipv4.vs.conntrack=1 + lbd's nftables table `inet lbd`,
# SNAT to a local address pool) against the real kernel.
#
# One L2 segment (br-front), two subnets: the client 10.40.0.2 / fd00:40::2 and the VIPs
# 10.40.0.100 / fd00:40::100; the real servers rs1 .21 and rs2 .22 in 10.41.0.0/24 / fd00:41::/64,
# whose default route goes to 10.41.0.254 / fd00:41::254, where nothing answers: a reply can only
# come back through a director if it is addressed to a director's address. The pools (LIPs)
# 10.41.0.201-10.41.0.202 and fd00:41::201 are on the real servers' subnet and travel with the VIPs
# (VRRP instances front and front6 in one sync group). director-a (priority 150) and director-b
# (100) run lbd with fullnat services web (VIP:80) and web6 ([VIP6]:80), exit_policy remove.
#  1. Requests through the VIP are answered; the real servers see a pool address as the peer.
#  2. Two reconcile passes over an untouched table write nothing (lbd_nft_batches_total stays);
#     `nft flush table inet lbd`, then `nft delete table inet lbd`: repaired within one
#     reconcile_interval (2 s; the time is printed, 2 s slack for the TCG guest).
#  3. A reload adding web2 (VIP:8080) while a client sends requests to web: none fails, web2 works,
#     VIP . 8080 is in the set.
#  4. IPv6: web6 answers; the real server sees fd00:41::201.
#  5. Takeover: director-a's lbd SIGKILLed and its link down while the client sends requests;
#     director-b takes over. Failed requests are printed; checked: requests succeed again, and
#     director-b's table holds both services.
#  6. director-b's lbd stopped (SIGTERM, exit_policy remove): no table inet lbd, no IPVS service;
#     the operator's own table (inet operator, made before lbd started) is still whole.
# Before 5, director-b's lbd is SIGKILLed and started again: it adopts the table without a batch.
# Also checked: the sysctls lbd sets at start (the directors' namespaces start without them).
# shellcheck disable=SC2034 # read by e2e-lib.sh
E2E_MODE=nat
. "$KT_DIR/e2e-lib.sh"
for tool in "$LBD" "$LBCTL" /usr/sbin/nft; do [ -x "$tool" ] || kt_die "$tool is missing from the guest"; done
nft() { /usr/sbin/nft "$@"; }
FIGURES=''
figure() {
  echo "FIGURE $1 $2"
  FIGURES="$FIGURES $1=$2"
}
up() { cut -d' ' -f1 /proc/uptime; }

VIP=10.40.0.100 VIP6=fd00:40::100 POOL4_FIRST=10.41.0.201 POOL4_LAST=10.41.0.202 LIP6=fd00:41::201
RECONCILE_S=2
# How much later than one reconcile_interval a repair may come (a loaded TCG guest; ASan is slower).
SLACK_MS=2000
if [ "${KT_SANITIZED:-0}" = 1 ]; then SLACK_MS=4000; fi
ADVERT_INTERVAL=1s
URL=http://$VIP/
URL_PEER=http://$VIP/cgi-bin/peer

# --- topology ------------------------------------------------------------------------------------
# node NS IPV4/LEN IPV6/LEN: a namespace on br-front. No duplicate address detection: addresses
# (link-local ones and lbd's VIPs too) are usable at once.
node() {
  netns "$1"
  kt_in "$1" sysctl -q -w net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0 ||
    kt_die "accept_dad in $1"
  plug "$1" eth0 br-front "p-$1"
  if ! ip -n "$1" addr add "$2" dev eth0 || ! ip -n "$1" addr add "$3" dev eth0 nodad; then
    kt_die "addresses of $1"
  fi
}
bridge br-front
node client 10.40.0.2/24 fd00:40::2/64
node director-a 10.40.0.11/24 fd00:40::11/64
node director-b 10.40.0.12/24 fd00:40::12/64
for n in 1 2; do
  node rs$n 10.41.0.2$n/24 fd00:41::2$n/64
  if ! ip -n rs$n route add default via 10.41.0.254 || ! ip -n rs$n -6 route add default via fd00:41::254; then
    kt_die "routes of rs$n"
  fi
  # A CGI answering its server's name and the peer address it sees, one httpd per port (dual stack).
  mkdir -p "$W/www/rs$n/cgi-bin"
  echo RS$n >"$W/www/rs$n/index.html"
  cat >"$W/www/rs$n/cgi-bin/peer" <<EOF
#!/bin/sh
a=\${REMOTE_ADDR#[}; a=\${a%]}; a=\${a#::ffff:}
echo "\$a" >>$W/peers-rs$n.log
printf 'Content-Type: text/plain\r\n\r\nRS$n %s\n' "\$a"
EOF
  chmod 755 "$W/www/rs$n/cgi-bin/peer"
  for port in 80 8080; do
    spawn "httpd-rs$n-$port" rs$n httpd -f -p $port -h "$W/www/rs$n"
    kt_wait_for 5 kt_listening rs$n $port || kt_die "httpd in rs$n does not listen on $port"
  done
done
say "rs1's way to the client: $(ip -n rs1 route get 10.40.0.2 | head -n 1)"

# fn_config DIRECTOR PRIORITY [web2]: its lbd.conf; with web2, the service VIP:8080 too.
fn_config() {
  {
    cat <<EOF
[global]
node_name = "$1"
control_socket = "$W/$1.sock"
log_level = "info"
metrics_listen = "127.0.0.1:9712"
reconcile_interval = "${RECONCILE_S}s"
exit_policy = "remove"

[ipvs]
fullnat_pool4 = "$POOL4_FIRST-$POOL4_LAST"
fullnat_pool6 = "$LIP6"

[[vrrp]]
name = "front"
interface = "eth0"
vrid = 51
priority = $2
version = 3
advert_interval = "$ADVERT_INTERVAL"
virtual_ips = ["$VIP/24", "$POOL4_FIRST/24", "$POOL4_LAST/24"]
sync_group = "director"

[[vrrp]]
name = "front6"
interface = "eth0"
vrid = 52
priority = $2
version = 3
advert_interval = "$ADVERT_INTERVAL"
virtual_ips = ["$VIP6/64", "$LIP6/64"]
sync_group = "director"
EOF
    fn_service web "$VIP:80" front 10.41.0.21:80 10.41.0.22:80
    fn_service web6 "[$VIP6]:80" front6 "[fd00:41::21]:80" "[fd00:41::22]:80"
    [ "${3:-}" != web2 ] || fn_service web2 "$VIP:8080" front 10.41.0.21:8080 10.41.0.22:8080
  } >"$W/$1.conf"
}
fn_service() { # NAME ADDRESS VRRP REAL_SERVER...
  printf '\n[[virtual_server]]\nname = "%s"\naddress = "%s"\nprotocol = "tcp"\nscheduler = "rr"\n' "$1" "$2"
  printf 'forwarding = "fullnat"\nvrrp = "%s"\n' "$3"
  shift 3
  for _rs in "$@"; do printf '\n[[virtual_server.real_server]]\naddress = "%s"\n' "$_rs"; done
}

# --- conditions ----------------------------------------------------------------------------------
table_of() { kt_in "$1" /usr/sbin/nft list table inet lbd 2>/dev/null; }
# table_ok DIRECTOR [ELEMENT...]: lbd's table with both SNAT rules and the elements (default: web's
# and web6's VIP . port).
table_ok() {
  _t=$(table_of "$1") || return 1
  shift
  [ $# -gt 0 ] || set -- "$VIP . 80" "$VIP6 . 80"
  echo "$_t" | grep -qF "snat ip to $POOL4_FIRST-$POOL4_LAST fully-random" || return 1
  echo "$_t" | grep -qF "snat ip6 to $LIP6 fully-random" || return 1
  for _e in "$@"; do
    # "VIP . 80" but not "VIP . 8080"
    echo "$_t" | grep -qE "$(echo "$_e" | sed 's/\./\\./g')([^0-9]|\$)" || return 1
  done
}
no_table() { ! kt_in "$1" /usr/sbin/nft list tables 2>/dev/null | grep -q 'table inet lbd'; }
ipvs_services() { kt_in "$1" /usr/sbin/ipvsadm -Ln | grep -cE '^(TCP|UDP|SCTP|FWM) '; }
holds_vip6() { ip -n "$1" -6 addr show dev eth0 2>/dev/null | grep -q "inet6 $VIP6/"; }
# answers URL: a request from the client is answered by a real server (RS1/RS2 ...).
answers() { case $(kt_fetch client "$1") in RS*) return 0 ;; esac; return 1; }
# peers_ok N URL WANT...: N requests through URL all answered, each by a real server that saw one of
# WANT as the peer; the bodies are left in BODIES.
peers_ok() {
  _n=$1 _url=$2 _ok=0
  shift 2
  BODIES=''
  for _ in $(seq "$_n"); do
    _b=$(kt_fetch client "$_url")
    BODIES="$BODIES${BODIES:+, }$_b"
    for _w in "$@"; do
      case $_b in "RS"[12]" $_w") _ok=$((_ok + 1)) ;; esac
    done
  done
  [ "$_ok" = "$_n" ]
}

# --- client loops --------------------------------------------------------------------------------
# A line per request: start, end (guest uptime, s), the body or FAILED; one request after the other.
cat >"$W/loop.sh" <<'EOF'
while [ ! -e "$3" ]; do
  t0=$(cut -d' ' -f1 /proc/uptime)
  body=$(timeout 5 wget -q -O - "$1" 2>/dev/null | tr -d '\r\n')
  t1=$(cut -d' ' -f1 /proc/uptime)
  echo "$t0 $t1 ${body:-FAILED}" >>"$2"
  sleep 0.05
done
EOF
loop_start() { # NAME: requests to $URL from the client into $W/NAME.req
  rm -f "$W/$1.stop" "$W/$1.req"
  spawn "$1" client /bin/sh "$W/loop.sh" "$URL" "$W/$1.req" "$W/$1.stop"
}
loop_ok() { if [ -f "$W/$1.req" ]; then grep -cv ' FAILED$' "$W/$1.req"; else echo 0; fi; }
loop_ok_at_least() { [ "$(loop_ok "$1")" -ge "$2" ]; }
loop_stop() {
  : >"$W/$1.stop"
  kt_wait_for 10 not_running "$(pid_of "$1")"
  stop "$1"
}
loop_counts() { awk -v f="${2:-0}" '$2 >= f {n++; if ($3 == "FAILED") x++} END {print n + 0, x + 0}' "$W/$1.req"; }

# --- start ---------------------------------------------------------------------------------------
# The operator's own table beside lbd's: lbd must never touch it, not even when it removes its own.
printf '%s\n' 'table inet operator {' ' chain input {' '  type filter hook input priority 0; policy accept;' \
  '  tcp dport 9999 counter' ' }' '}' >"$W/operator.nft"
kt_in director-b /usr/sbin/nft -f "$W/operator.nft" || kt_die "the operator's table on director-b"
operator_table() { kt_in director-b /usr/sbin/nft list table inet operator 2>/dev/null | grep -c 'tcp dport 9999'; }
fn_config director-a 150
fn_config director-b 100
$LBD --check "$W/director-a.conf" >"$W/check.log" 2>&1 || kt_die "lbd --check: $(cat "$W/check.log")"
T_START=$(kt_now_cs)
start_director director-a
start_director director-b
kt_check "director-a holds the VIPs" kt_wait_for 60 holds_vip director-a
kt_check "director-a holds the IPv6 VIP" kt_wait_for 10 holds_vip6 director-a
kt_check "director-a has its table inet lbd" kt_wait_for 30 table_ok director-a
kt_check "director-b has its table inet lbd (BACKUP)" kt_wait_for 30 table_ok director-b
lacks_vip director-b || kt_fail "director-b holds the VIP too"
figure start_to_master_ms $((($(kt_now_cs) - T_START) * 10))
say "director-a's table:"
table_of director-a | sed 's/^/     /'
for s in net.ipv4.vs.conntrack net.ipv4.vs.expire_nodest_conn net.ipv4.vs.expire_quiescent_template \
  net.ipv4.ip_forward net.ipv6.conf.all.forwarding; do
  kt_expect_eq "lbd set $s on director-a" 1 "$(kt_in director-a sysctl -n $s)"
done

# --- 1 -------------------------------------------------------------------------------------------
heading "(1) requests through the VIP; the real servers see a pool address"
kt_wait_for 20 answers "$URL" || kt_fail "no answer through $URL"
if peers_ok 4 "$URL_PEER" "$POOL4_FIRST" "$POOL4_LAST"; then
  kt_pass "(1) 4 requests answered, peers from the pool: $BODIES"
else
  kt_fail "(1) expected 4 answers with a peer in $POOL4_FIRST-$POOL4_LAST, got: $BODIES"
fi
case "$BODIES" in *RS1*RS2* | *RS2*RS1*) kt_pass "(1) both real servers answered" ;;
  *) kt_fail "(1) expected answers from RS1 and RS2: $BODIES" ;; esac
say "peers rs1 saw: $(sort -u "$W/peers-rs1.log" 2>/dev/null | tr '\n' ' ')"
say "director-a's conntrack (original tuple, then the reply tuple to the pool address):"
kt_in director-a cat /proc/net/nf_conntrack | grep 'dport=80 ' | head -n 2 | sed 's/^/     /'
figure lip4_seen "$(sort -u "$W"/peers-rs*.log | tr '\n' ',' | sed 's/,$//')"

# --- 4 (IPv6; here because it needs no more set-up) ----------------------------------------------
heading "(4) IPv6: web6 through [$VIP6]; the real servers see $LIP6"
kt_wait_for 20 answers "http://[$VIP6]/" || kt_fail "no answer through http://[$VIP6]/"
if peers_ok 2 "http://[$VIP6]/cgi-bin/peer" "$LIP6"; then
  kt_pass "(4) 2 IPv6 requests answered, peer $LIP6: $BODIES"
else
  kt_fail "(4) expected 2 answers with peer $LIP6, got: $BODIES"
fi

# --- 2 -------------------------------------------------------------------------------------------
heading "(2) an untouched table is left alone; flushed, then deleted by hand: lbd repairs it"
# total_on DIRECTOR NAME: the sum of a metric's series in the director's lbd; total NAME: director-a's.
total_on() {
  kt_in "$1" timeout 5 wget -q -O - http://127.0.0.1:9712/metrics 2>/dev/null |
    awk -v n="$2" '$1 == n || index($1, n "{") == 1 {s += $2} END {print s + 0}'
}
total() { total_on director-a "$1"; }
passes_at_least() { [ "$(total lbd_service_reconciles_total)" -ge "$1" ]; }
B0=$(total lbd_nft_batches_total)
kt_check "two reconcile passes" kt_wait_for 20 passes_at_least $(($(total lbd_service_reconciles_total) + 2))
B1=$(total lbd_nft_batches_total)
figure idle_nft_batches $((B1 - B0))
kt_expect_eq "(2) nftables batches in two passes over an untouched table" 0 $((B1 - B0))
# repair NAME NFT-ARGS...: runs nft in director-a, waits for the table to be whole again.
repair() {
  _name=$1
  shift
  _t0=$(kt_now_cs)
  kt_in director-a /usr/sbin/nft "$@" || kt_fail "nft $*"
  if wait_fast 20 table_ok director-a; then
    _ms=$((($(kt_now_cs) - _t0) * 10))
    figure "${_name}_repair_ms" $_ms
    if [ $_ms -le $((RECONCILE_S * 1000 + SLACK_MS)) ]; then
      kt_pass "(2) nft $*: repaired after $_ms ms (reconcile_interval ${RECONCILE_S}s)"
    else
      kt_fail "(2) nft $*: repaired only after $_ms ms (reconcile_interval ${RECONCILE_S}s)"
    fi
  else
    kt_fail "(2) nft $*: not repaired within 20 s"
    figure "${_name}_repair_ms" none
  fi
  kt_check "(2) a request after the repair after nft $*" answers "$URL_PEER"
}
repair flush flush table inet lbd
repair delete delete table inet lbd
say "what director-a's lbd logged about nftables:"
grep -iE 'nft|table' "$W/lbd-director-a.log" | tail -n 8 | sed 's/^/     /'

# --- 3 -------------------------------------------------------------------------------------------
heading "(3) reload adding web2 ($VIP:8080) while the client sends requests to web"
loop_start reload-loop
kt_wait_for 30 loop_ok_at_least reload-loop 5 || kt_fail "(3) the client's requests do not get through"
fn_config director-a 150 web2
fn_config director-b 100 web2
$LBD --check "$W/director-a.conf" >"$W/check.log" 2>&1 || kt_fail "lbd --check with web2: $(cat "$W/check.log")"
t0=$(kt_now_cs)
lbctl_of director-a reload >"$W/reload-a.out" 2>&1 || kt_fail "(3) lbctl reload on director-a: $(cat "$W/reload-a.out")"
if wait_fast 20 table_ok director-a "$VIP . 80" "$VIP . 8080" "$VIP6 . 80"; then
  figure reload_to_set_ms $((($(kt_now_cs) - t0) * 10))
  kt_pass "(3) $VIP . 8080 in director-a's set"
else
  kt_fail "(3) $VIP . 8080 not in director-a's set within 20 s"
fi
lbctl_of director-b reload >"$W/reload-b.out" 2>&1 || kt_fail "(3) lbctl reload on director-b: $(cat "$W/reload-b.out")"
kt_check "(3) web2 answers" kt_wait_for 20 answers "http://$VIP:8080/"
if peers_ok 2 "http://$VIP:8080/cgi-bin/peer" "$POOL4_FIRST" "$POOL4_LAST"; then
  kt_pass "(3) web2's real servers see pool addresses: $BODIES"
else
  kt_fail "(3) web2: expected peers from the pool, got: $BODIES"
fi
kt_wait_for 30 loop_ok_at_least reload-loop $(($(loop_ok reload-loop) + 10)) || kt_fail "(3) requests stopped"
loop_stop reload-loop
R3=$(loop_counts reload-loop)
figure reload_requests_total_failed "$(echo "$R3" | tr ' ' '/')"
kt_expect_eq "(3) failed requests during the reload" 0 "${R3#* }"

# --- restart -------------------------------------------------------------------------------------
heading "a restart adopts the table: director-b's lbd (BACKUP) SIGKILLed and started again"
kt_check "director-b has web2 before the restart" kt_wait_for 20 table_ok director-b "$VIP . 8080"
stop lbd-director-b KILL
start_director director-b
b_passes_at_least() { [ "$(total_on director-b lbd_service_reconciles_total)" -ge "$1" ]; }
kt_check "director-b's new lbd made two reconcile passes" kt_wait_for 40 b_passes_at_least 2
kt_expect_eq "nftables batches of the restarted lbd (the table adopted as it was)" 0 \
  "$(total_on director-b lbd_nft_batches_total)"
kt_check "director-b's table still holds web, web6 and web2" table_ok director-b "$VIP . 8080"

# --- 5 -------------------------------------------------------------------------------------------
heading "(5) takeover: director-a's lbd SIGKILLed, its link down, while the client sends requests"
kt_check "director-b has web2 too before the takeover" kt_wait_for 20 table_ok director-b "$VIP . 8080"
loop_start takeover-loop
kt_wait_for 30 loop_ok_at_least takeover-loop 5 || kt_fail "(5) the client's requests do not get through"
t0=$(kt_now_cs)
T5=$(up)
stop lbd-director-a KILL
ip -n director-a link set eth0 down
say "director-a: lbd SIGKILLed at $T5 s, eth0 down"
if wait_fast 30 holds_vip director-b; then
  figure takeover_ms $((($(kt_now_cs) - t0) * 10))
  kt_pass "(5) director-b holds the VIP"
else
  kt_fail "(5) director-b does not hold the VIP 30 s after the crash"
fi
kt_check "(5) the client's requests succeed again" \
  kt_wait_for 40 loop_ok_at_least takeover-loop $(($(loop_ok takeover-loop) + 10))
loop_stop takeover-loop
R5=$(loop_counts takeover-loop "$T5")
figure takeover_requests_total_failed "$(echo "$R5" | tr ' ' '/')"
say "requests that ended after the crash: ${R5% *}, failed ${R5#* }; failed or slower than 0.5 s:"
awk -v t="$T5" '$2 >= t && ($3 == "FAILED" || $2 - $1 > 0.5) { printf "     %8.2f -> %8.2f %s\n", $1, $2, $3 }' \
  "$W/takeover-loop.req" | head -n 20
tail -n 5 "$W/takeover-loop.req" | grep -q ' FAILED$' && kt_fail "(5) the last requests failed"
kt_check "(5) director-b's table holds web, web6 and web2" table_ok director-b "$VIP . 8080"
if peers_ok 2 "$URL_PEER" "$POOL4_FIRST" "$POOL4_LAST"; then
  kt_pass "(5) through director-b the real servers see pool addresses: $BODIES"
else
  kt_fail "(5) through director-b: expected peers from the pool, got: $BODIES"
fi
say "director-a's table after the SIGKILL (nothing removed it): $(table_of director-a | grep -c .) lines"

# --- 6 -------------------------------------------------------------------------------------------
heading "(6) director-b's lbd stopped with exit_policy remove"
say "before: $(ipvs_services director-b) IPVS services, table: $(no_table director-b && echo none || echo inet lbd)"
stop lbd-director-b TERM
kt_check "(6) no table inet lbd on director-b" no_table director-b
kt_expect_eq "(6) IPVS services left on director-b" 0 "$(ipvs_services director-b)"
kt_in director-b /usr/sbin/nft list tables | sed 's/^/   nft list tables: /'
kt_expect_eq "(6) the operator's table on director-b, untouched throughout" 1 "$(operator_table)"

echo "KTEST-FIGURES${FIGURES}"
if [ "$KT_FAILS" -ne 0 ]; then
  for f in lbd-director-a lbd-director-b; do echo "--- $f"; tail -n 30 "$W/$f.log"; done
fi
kt_finish

# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# differential.sh (kernel_keepalived_differential): does a keepalived.conf behave the same under lbd
# after `lbd import keepalived`? keepalived runs on the original, lbd on the import, side by side in
# the guest, each director in its own namespace (so each has its own IPVS table), against the same
# real servers; the test drives the same failures and recoveries and asserts that both IPVS tables
# reach the same state (services, real servers, forwarding, weights) at every step.
#
#   br0 (guest root namespace): ka 10.30.0.11 (keepalived -C), lb 10.30.0.12 (lbd),
#   rs1-rs4 10.30.0.21-24: rs1 answers HTTP on :80 with the status in /tmp/diff/status-rs1 (a CGI)
#   and TCP on :8080; rs2 TCP on :8080; rs3 is judged by exit-code.sh (/tmp/diff/code-rs3), rs2's
#   second checker by /tmp/diff/code-rs2; rs4 is the sorry server; rs1 also serves TLS on :443
#   (openssl s_server) for SSL_GET; rs1 and rs2 echo UDP on :9000 and rs3 answers DNS on :53 with
#   the response code in /tmp/diff/rcode-rs3 (udp_responder), for UDP_CHECK and DNS_CHECK.
#
# Part 1, lvs.conf (checks): the steps below. Part 2, vrrp-a.conf/vrrp-b.conf (two instances in a
# sync group with hooks of its own): keepalived on both directors, then lbd on both imports, the same
# story (a starts and wins, a stops, a comes back and preempts); each director's notify calls, the
# instance's and the group's, in order, must be the same under both.
# A guest line KTEST-FIGURES gives, per step, the seconds keepalived and lbd took to reach the table.
. /usr/lib/ktest/lib.sh

LBD=/usr/local/bin/lbd
KA=/usr/local/bin/keepalived
OPENSSL=/usr/local/bin/openssl
W=/tmp/diff
# shellcheck disable=SC2034 # read by the kt_spawn helpers
KT_RUN=$W
rm -rf $W
mkdir -p $W/pids /run/keepalived
chmod +x "$KT_DIR/exit-code.sh" "$KT_DIR/record-notify.sh"
# Steps wait this long for a table: keepalived and lbd check every 2 s with one retry 1 s apart.
STEP_S=30
[ -n "${KT_SANITIZED:-}" ] && STEP_S=60

NAMESPACES=''
cleanup() {
  kt_stop_all
  for _ns in $NAMESPACES; do ip netns del "$_ns" 2>/dev/null; done
  ip link del br0 2>/dev/null
}
trap cleanup EXIT

# --- topology ---------------------------------------------------------------------------------------
kt_lan br0 || kt_die "bridge"
host=11
for ns in ka lb; do
  kt_lan_join br0 $ns 10.30.0.$host/24 "02:00:00:00:00:$host" || kt_die "namespace $ns"
  NAMESPACES="$NAMESPACES $ns"
  host=$((host + 1))
done
for n in 1 2 3 4; do
  kt_lan_join br0 rs$n 10.30.0.2$n/24 "02:00:00:00:00:2$n" || kt_die "namespace rs$n"
  NAMESPACES="$NAMESPACES rs$n"
done

# listen NAME NS ADDRESS:PORT [ROOT]: busybox httpd in the foreground (its PID known), waiting until
# it listens.
listen() {
  mkdir -p "${4:-$W/empty}"
  kt_spawn "$1" "$2" httpd -f -p "$3" -h "${4:-$W/empty}"
  kt_wait_for 5 kt_listening "$2" "${3##*:}" || kt_die "$1 does not listen on $3"
}
mkdir -p $W/www-rs1/cgi-bin
cat >$W/www-rs1/cgi-bin/health <<'EOF'
#!/bin/sh
read -r code </tmp/diff/status-rs1
printf 'Status: %s\r\nContent-Type: text/plain\r\n\r\nstatus %s\n' "$code" "$code"
EOF
chmod +x $W/www-rs1/cgi-bin/health
echo "200 OK" >$W/status-rs1
echo 0 >$W/code-rs3
listen http-rs1 rs1 10.30.0.21:80 $W/www-rs1
# rs1's TLS server (openssl s_server -WWW serves the files of its directory) with a certificate made
# here, self-signed: neither keepalived nor the import verifies it.
mkdir -p $W/tls-rs1
echo ok >$W/tls-rs1/health.txt
$OPENSSL req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=rs1 -days 2 \
  -config "$KT_DIR/openssl.cnf" -keyout $W/tls-rs1/key.pem -out $W/tls-rs1/cert.pem >$W/tls-cert.log 2>&1 ||
  { cat $W/tls-cert.log; kt_die "certificate for rs1"; }
tls_listen() {
  kt_spawn tls-rs1 rs1 sh -c "cd $W/tls-rs1 && exec $OPENSSL s_server -quiet -WWW -accept 443 -cert cert.pem -key key.pem"
  kt_wait_for 5 kt_listening rs1 443 || kt_die "rs1's TLS server does not listen on 443"
}
tls_listen
listen side-rs1 rs1 10.30.0.21:8080
listen side-rs2 rs2 10.30.0.22:8080
# udp_listen NAME NS ADDRESS PORT MODE...: udp_responder, waiting until its socket is bound.
udp_bound() {
  kt_in "$1" cat /proc/net/udp 2>/dev/null |
    awk -v p="$(printf ':%04X' "$2")" 'substr($2, length($2) - 4) == p {found = 1} END {exit !found}'
}
udp_listen() {
  _name=$1 _ns=$2 _port=$4
  kt_spawn "$_name" "$_ns" /usr/local/bin/udp_responder "$3" "$4" "$5" ${6:+"$6"}
  kt_wait_for 5 udp_bound "$_ns" "$_port" || kt_die "$_name is not bound to $3:$_port"
}
echo 0 >$W/rcode-rs3
udp_listen echo-rs1 rs1 10.30.0.21 9000 echo
udp_listen echo-rs2 rs2 10.30.0.22 9000 echo
udp_listen dns-rs3 rs3 10.30.0.23 53 dns $W/rcode-rs3

# --- tables -----------------------------------------------------------------------------------------
# table NS: the IPVS table of NS, one line per real server ("TCP 10.30.0.100:80 wrr -> 10.30.0.21:80
# Route 3", a service without any: "... -> none"), sorted; connection counters left out.
table() {
  kt_in "$1" /usr/sbin/ipvsadm -Ln 2>/dev/null | awk '
    $1 == "TCP" || $1 == "UDP" || $1 == "SCTP" || $1 == "FWM" {
      if (svc != "" && !dests) print svc " -> none"
      svc = $0; gsub(/[ \t]+/, " ", svc); sub(/ $/, "", svc); dests = 0; next
    }
    $1 == "->" && $2 != "RemoteAddress:Port" { print svc " -> " $2 " " $3 " " $4; dests = 1 }
    END { if (svc != "" && !dests) print svc " -> none" }' | sort
}
# expected LINE...: the lines of a table, sorted, as `table` prints them.
expected() { for _l in "$@"; do echo "$_l"; done | sort; }
table_is() { [ "$(table "$1")" = "$2" ]; }

FIGURES=''
reached() { if [ -n "$1" ]; then echo "reached it after $1 cs"; else echo "did not reach it"; fi; }
# step NAME LINE...: both tables must become exactly LINE... within STEP_S seconds of the change the
# caller just made; prints how long each took.
step() {
  _name=$1
  shift
  _want=$({ expected "$@"; [ -z "$EXTRA" ] || printf '%s\n' "$EXTRA"; } | sort)
  _t0=$(kt_now_cs)
  _ka='' _lb=''
  while [ -z "$_ka" ] || [ -z "$_lb" ]; do
    [ -z "$_ka" ] && table_is ka "$_want" && _ka=$(($(kt_now_cs) - _t0))
    [ -z "$_lb" ] && table_is lb "$_want" && _lb=$(($(kt_now_cs) - _t0))
    [ "$(kt_now_cs)" -lt $((_t0 + STEP_S * 100)) ] || break
    sleep 0.1
  done
  FIGURES="$FIGURES $_name=ka:${_ka:-none}cs,lbd:${_lb:-none}cs"
  if [ -n "$_ka" ] && [ -n "$_lb" ]; then
    kt_pass "$_name: keepalived after $_ka cs, lbd after $_lb cs"
    return 0
  fi
  kt_fail "$_name: within $STEP_S s keepalived $(reached "$_ka"), lbd $(reached "$_lb"); wanted:"
  echo "$_want" | sed 's/^/    /'
  echo "  keepalived:"
  table ka | sed 's/^/    /'
  echo "  lbd:"
  table lb | sed 's/^/    /'
  return 1
}

# --- part 1: health checks and the IPVS table --------------------------------------------------------
kt_log "part 1: keepalived on lvs.conf, lbd on its import"
$LBD import keepalived "$KT_DIR/lvs.conf" -o $W/lvs.lbd.conf >$W/import-lvs.txt 2>&1 ||
  { cat $W/import-lvs.txt; kt_die "lbd import keepalived lvs.conf"; }
kt_pass "lvs.conf imports with every keyword converted to the same behaviour"
sed -i '/^\[global\]/a control_socket = "/run/lbd-lb.sock"' $W/lvs.lbd.conf
kt_spawn keepalived-lvs ka $KA -n -l -D -C -f "$KT_DIR/lvs.conf" -p $W/ka.pid -c $W/ka-checkers.pid -r $W/ka-vrrp.pid
kt_spawn lbd-lvs lb $LBD -f $W/lvs.lbd.conf

DR='TCP 10.30.0.100:80 wrr'
NAT='TCP 10.30.0.101:8080 sh persistent 30'
# Added to every step's table (EXTRA, made by `extra` from the variables each step changes): the
# virtual_server_group's two TUN services (GROUP_UP: the servers whose side ports are up), the
# SSL_GET service (TLS: rs1's TLS server up, or none), the service whose real server has two
# checkers (TWO: up while rs2's side port and code-rs2 both pass, or none), the fwmark service
# (FWM: up while rs2's side port is), the UDP service (UDP_UP: rs1 and rs2 while their echo servers
# run, rs3 while its DNS server answers NOERROR).
group_lines() { for _g in 102 103; do for _rs in "$@"; do echo "TCP 10.30.0.$_g:8080 rr -> 10.30.0.$_rs:8080 Tunnel 1"; done; done; }
udp_lines() { for _rs in "$@"; do echo "UDP 10.30.0.106:53 rr -> 10.30.0.$_rs:53 Route 1"; done; }
TLS_UP='TCP 10.30.0.104:443 rr -> 10.30.0.21:443 Route 1'
TLS_DOWN='TCP 10.30.0.104:443 rr -> none'
TWO_UP='TCP 10.30.0.105:80 rr -> 10.30.0.22:80 Route 1'
TWO_DOWN='TCP 10.30.0.105:80 rr -> none'
FWM_UP='FWM 5 rr -> 10.30.0.22:0 Route 1'
FWM_DOWN='FWM 5 rr -> none'
# shellcheck disable=SC2086 # GROUP_UP and UDP_UP are lists of words
extra() {
  EXTRA="$(group_lines $GROUP_UP)
$TLS
$TWO
$FWM
$(udp_lines $UDP_UP)"
}
GROUP_UP='21 22' TLS=$TLS_UP TWO=$TWO_UP FWM=$FWM_UP UDP_UP='21 22 23'
extra
step start "$DR -> 10.30.0.21:80 Route 3" "$DR -> 10.30.0.22:80 Route 2" "$DR -> 10.30.0.23:80 Route 1" \
  "$NAT -> 10.30.0.21:8080 Masq 2" "$NAT -> 10.30.0.22:8080 Masq 2"

# Any 2xx is good without status_code; the script's exit code 12 is weight 10.
echo "204 No Content" >$W/status-rs1
echo 12 >$W/code-rs3
step http_204_exit_12 "$DR -> 10.30.0.21:80 Route 3" "$DR -> 10.30.0.22:80 Route 2" "$DR -> 10.30.0.23:80 Route 10" \
  "$NAT -> 10.30.0.21:8080 Masq 2" "$NAT -> 10.30.0.22:8080 Masq 2"

# rs3's DNS server answers SERVFAIL.
echo "500 Internal Server Error" >$W/status-rs1
echo 2 >$W/rcode-rs3
UDP_UP='21 22'
extra
step http_500 "$DR -> 10.30.0.22:80 Route 2" "$DR -> 10.30.0.23:80 Route 10" \
  "$NAT -> 10.30.0.21:8080 Masq 2" "$NAT -> 10.30.0.22:8080 Masq 2"

# rs2's second checker fails while its first passes: down (every checker must pass).
echo 1 >$W/code-rs3
echo 1 >$W/code-rs2
TWO=$TWO_DOWN
extra
step exit_1 "$DR -> 10.30.0.22:80 Route 2" "$NAT -> 10.30.0.21:8080 Masq 2" "$NAT -> 10.30.0.22:8080 Masq 2"

# rs2's side port closes: the DR service has no server left (sorry server); the NAT service keeps
# rs2 at weight 0 (inhibit_on_failure), its live weight 2 < quorum 3: sorry server, rs1 at 0 too.
# rs2's second checker passes again while its first fails: still down. Both echo servers stop (rs1's
# check has no reply to wait for: the ICMP port unreachable takes it down), rs3's DNS server
# answers NOERROR again.
kt_stop side-rs2
kt_stop tls-rs1
kt_stop echo-rs1
kt_stop echo-rs2
echo 0 >$W/code-rs2
echo 0 >$W/rcode-rs3
GROUP_UP='21' TLS=$TLS_DOWN FWM=$FWM_DOWN UDP_UP='23'
extra
step tcp_refused "$DR -> 10.30.0.24:80 Route 1" \
  "$NAT -> 10.30.0.21:8080 Masq 0" "$NAT -> 10.30.0.22:8080 Masq 0" "$NAT -> 10.30.0.24:8080 Masq 1"

listen side-rs2 rs2 10.30.0.22:8080
tls_listen
udp_listen echo-rs1 rs1 10.30.0.21 9000 echo
udp_listen echo-rs2 rs2 10.30.0.22 9000 echo
GROUP_UP='21 22' TLS=$TLS_UP TWO=$TWO_UP FWM=$FWM_UP UDP_UP='21 22 23'
extra
step tcp_back "$DR -> 10.30.0.22:80 Route 2" "$NAT -> 10.30.0.21:8080 Masq 2" "$NAT -> 10.30.0.22:8080 Masq 2"

echo "200 OK" >$W/status-rs1
echo 0 >$W/code-rs3
step all_back "$DR -> 10.30.0.21:80 Route 3" "$DR -> 10.30.0.22:80 Route 2" "$DR -> 10.30.0.23:80 Route 1" \
  "$NAT -> 10.30.0.21:8080 Masq 2" "$NAT -> 10.30.0.22:8080 Masq 2"

# rs1's web server stops answering (SIGSTOP: connections are accepted by the kernel, no reply).
kill -STOP "$(kt_pid_of http-rs1)"
step http_timeout "$DR -> 10.30.0.22:80 Route 2" "$DR -> 10.30.0.23:80 Route 1" \
  "$NAT -> 10.30.0.21:8080 Masq 2" "$NAT -> 10.30.0.22:8080 Masq 2"
kill -CONT "$(kt_pid_of http-rs1)"
step http_answers_again "$DR -> 10.30.0.21:80 Route 3" "$DR -> 10.30.0.22:80 Route 2" \
  "$DR -> 10.30.0.23:80 Route 1" "$NAT -> 10.30.0.21:8080 Masq 2" "$NAT -> 10.30.0.22:8080 Masq 2"

kt_stop keepalived-lvs
kt_stop lbd-lvs

# --- part 2: VRRP and the notify calls ----------------------------------------------------------------
kt_log "part 2: keepalived on vrrp-a.conf and vrrp-b.conf, then lbd on their imports"
for d in a b; do
  $LBD import keepalived "$KT_DIR/vrrp-$d.conf" -o $W/vrrp-$d.lbd.conf >$W/import-vrrp-$d.txt 2>&1 ||
    { cat $W/import-vrrp-$d.txt; kt_die "lbd import keepalived vrrp-$d.conf"; }
  sed -i "/^\\[global\\]/a control_socket = \"/run/lbd-$d.sock\"" $W/vrrp-$d.lbd.conf
done
kt_pass "vrrp-a.conf and vrrp-b.conf import with every keyword converted to the same behaviour"
kt_lan_join br0 da 10.30.0.31/24 02:00:00:00:00:31 && kt_lan_join br0 db 10.30.0.32/24 02:00:00:00:00:32 ||
  kt_die "director namespaces"
NAMESPACES="$NAMESPACES da db"

start() { # IMPL DIRECTOR
  case $1 in
    keepalived) kt_spawn "$1-$2" "d$2" $KA -n -l -D -P -f "$KT_DIR/vrrp-$2.conf" -p "$W/ka-$2.pid" \
      -r "$W/ka-$2-vrrp.pid" -c "$W/ka-$2-checkers.pid" ;;
    lbd) kt_spawn "$1-$2" "d$2" $LBD -f "$W/vrrp-$2.lbd.conf" ;;
  esac
}
# holds_vip D: director D holds both VIPs of the sync group (web's and db's); lacks_vip D: neither.
holds_vip() { [ "$(ip -n "d$1" -4 addr show dev eth0 | grep -c 'inet 10.30.0.20[01]/')" = 2 ]; }
lacks_vip() { ! ip -n "d$1" -4 addr show dev eth0 | grep -q 'inet 10.30.0.20[01]/'; }
# routes_of D: web's virtual routes and rule as director D's kernel holds them, without the route
# protocol (keepalived tags them 18, lbd 245); routed D: all four are there.
routes_of() {
  {
    ip -n "d$1" -4 route show table all | grep -E '^(blackhole )?10\.3[12]\.0\.0/16|^default .*table 100'
    ip -n "d$1" -4 rule show | grep 'lookup 100'
  } | sed -E 's/ proto [a-z0-9]+//' | sort
}
routed() { [ "$(routes_of "$1" | grep -c .)" = 4 ]; }
# syncd_of D: the IPVS sync daemons director D's kernel runs; syncd_is D ROLES: exactly those
# ("master", "backup", "master backup" or "").
syncd_of() { kt_in "d$1" /usr/sbin/ipvsadm -L --daemon 2>/dev/null | sort; }
syncd_is() { [ "$(syncd_of "$1" | awk '{ print $1 }' | tr '\n' ' ' | sed 's/ $//')" = "$2" ]; }
# snapshot IMPL WHEN D...: the routes and sync daemons of directors D at a step, for the comparison.
snapshot() {
  _impl=$1 _when=$2
  shift 2
  for _d in "$@"; do
    routes_of "$_d" >"$W/routes-$_impl-$_when.txt"
    syncd_of "$_d" >"$W/syncd-$_impl-$_when.txt"
  done
}
# notified LINE [N]: LINE was recorded at least N times (default 1).
notified() { [ "$(grep -cx "$1" $W/notify.log 2>/dev/null)" -ge "${2:-1}" ]; }

# story IMPL: the same events for either implementation; the calls end up in $W/notify-IMPL.log.
story() {
  rm -f $W/notify.log
  start "$1" a
  kt_wait_for 20 notified "a any INSTANCE web MASTER 150" || kt_fail "$1: a never became MASTER"
  kt_wait_for 10 notified "a group-any GROUP pair MASTER 0" || kt_fail "$1: a's group never became MASTER"
  start "$1" b
  kt_wait_for 20 notified "b any INSTANCE web BACKUP 100" || kt_fail "$1: b never became BACKUP"
  kt_check "$1: a holds the VIP" holds_vip a
  kt_wait_for 5 routed a || kt_fail "$1: a's virtual routes and rule are not all there"
  kt_wait_for 5 syncd_is a master || kt_fail "$1: a's sync daemons: $(syncd_of a | tr '\n' ' ')"
  kt_wait_for 5 syncd_is b backup || kt_fail "$1: b's sync daemons: $(syncd_of b | tr '\n' ' ')"
  snapshot "$1" master a
  snapshot "$1" backup b
  kt_stop "$1-a"
  kt_wait_for 20 notified "b any INSTANCE web MASTER 100" || kt_fail "$1: b never took over"
  kt_wait_for 10 holds_vip b || kt_fail "$1: b never took the VIP"
  kt_check "$1: a left the VIP" lacks_vip a
  kt_wait_for 5 routed b || kt_fail "$1: b's virtual routes and rule are not all there"
  kt_wait_for 5 syncd_is b master || kt_fail "$1: b's sync daemons after the takeover: $(syncd_of b | tr '\n' ' ')"
  snapshot "$1" stopped a
  start "$1" a
  kt_wait_for 20 notified "a any INSTANCE web MASTER 150" 2 || kt_fail "$1: a never took over again"
  kt_wait_for 20 notified "b any INSTANCE web BACKUP 100" 2 || kt_fail "$1: b never went back to BACKUP"
  kt_check "$1: a holds the VIP again" holds_vip a
  kt_stop "$1-a"
  kt_wait_for 20 notified "b any INSTANCE web MASTER 100" 2 || kt_fail "$1: b never took over again"
  kt_stop "$1-b"
  kt_wait_for 10 lacks_vip b || kt_fail "$1: b kept the VIP after its stop"
  kt_wait_for 10 notified "b any INSTANCE web STOP 100" || kt_fail "$1: b's stop was not notified"
  kt_wait_for 10 notified "b group-any GROUP pair STOP 0" || kt_fail "$1: b's group stop was not notified"
  mv $W/notify.log "$W/notify-$1.log"
}
story keepalived
story lbd
# Each transition runs two hooks at once (the state's own and `notify`), and a group's hooks run
# beside its members', so only the order of each kind is fixed: per director the instance's state
# hooks (`a master`), its `notify` calls (`a any ...`), the group's state hooks (`a group master`)
# and the group's `notify` calls (`a group-any GROUP pair MASTER 0`), each in order.
calls() { # IMPL DIRECTOR KIND
  case $3 in
    state) grep -E "^$2 (master|backup|fault|stop)\$" "$W/notify-$1.log" ;;
    *) grep "^$2 $3 " "$W/notify-$1.log" ;;
  esac
}
for d in a b; do
  for kind in state any group group-any; do
    _ka=$(calls keepalived $d $kind)
    _lb=$(calls lbd $d $kind)
    if [ "$_ka" = "$_lb" ] && [ -n "$_ka" ]; then
      kt_pass "director $d: the same $(echo "$_ka" | grep -c .) $kind hook calls, in the same order: $(echo "$_ka" | tr '\n' ' ')"
    else
      kt_fail "director $d: $kind hook calls differ"
      echo "  keepalived:"
      echo "$_ka" | sed 's/^/    /'
      echo "  lbd:"
      echo "$_lb" | sed 's/^/    /'
    fi
  done
done

# The virtual routes and rule (on the MASTER only) and the sync daemons (`ipvsadm -L --daemon`,
# interface, sync ID and message size): the same kernel state under both.
for what in routes syncd; do
  for when in master backup stopped; do
    if cmp -s "$W/$what-keepalived-$when.txt" "$W/$what-lbd-$when.txt"; then
      kt_pass "$what of a $when director: the same $(grep -c . "$W/$what-lbd-$when.txt") entries"
    else
      kt_fail "$what of a $when director differ"
      echo "  keepalived:" && sed 's/^/    /' "$W/$what-keepalived-$when.txt"
      echo "  lbd:" && sed 's/^/    /' "$W/$what-lbd-$when.txt"
    fi
  done
done
kt_check "a MASTER holds 4 virtual routes and rules" [ "$(grep -c . "$W/routes-lbd-master.txt")" = 4 ]

echo "KTEST-FIGURES$FIGURES"
kt_finish

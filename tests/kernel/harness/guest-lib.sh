# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# guest-lib.sh: helpers for kernel-test guest scripts (busybox sh). Source it first:
#   . /usr/lib/ktest/lib.sh
#
# Debian's busybox sh runs its own applets before searching PATH, whatever PATH says, so `ip` would
# be busybox's cut-down ip (no netns, no veth). The function below pins iproute2; call any other
# non-busybox program by its full path (/usr/sbin/ipvsadm, /usr/local/bin/<test binary>).
ip() { /usr/sbin/ip "$@"; }
ipvsadm() { /usr/sbin/ipvsadm "$@"; }

KT_FAILS=0

kt_log() { echo "[$(cut -d' ' -f1 /proc/uptime)] $*"; }

# kt_fail MESSAGE: records a failed check and carries on; kt_finish turns it into the exit status.
kt_fail() {
  echo "FAIL: $*"
  KT_FAILS=$((KT_FAILS + 1))
}

kt_pass() { echo "PASS: $*"; }

# kt_die MESSAGE: a failure after which the rest of the script makes no sense.
kt_die() {
  echo "FAIL: $*"
  exit 1
}

# kt_check DESCRIPTION COMMAND...: runs COMMAND, reports PASS or FAIL.
kt_check() {
  _kt_what=$1
  shift
  if "$@"; then kt_pass "$_kt_what"; else kt_fail "$_kt_what (exit $?)"; fi
}

# kt_expect_eq DESCRIPTION EXPECTED ACTUAL
kt_expect_eq() {
  if [ "$2" = "$3" ]; then
    kt_pass "$1: '$3'"
  else
    kt_fail "$1: expected '$2', got '$3'"
  fi
}

kt_finish() {
  if [ "$KT_FAILS" -eq 0 ]; then
    kt_log "all checks passed"
    exit 0
  fi
  kt_log "$KT_FAILS check(s) failed"
  exit 1
}

# Monotonic time in centiseconds since boot.
kt_now_cs() {
  _kt_up=$(cut -d' ' -f1 /proc/uptime)
  echo $((${_kt_up%.*} * 100 + 1${_kt_up#*.} - 100))
}

# kt_wait_for SECONDS COMMAND...: polls COMMAND every 100 ms until it succeeds (returns 0) or the
# deadline passes (returns 1). The way to wait for anything: a state, a counter, a listener.
kt_wait_for() {
  _kt_deadline=$(($(kt_now_cs) + $1 * 100))
  shift
  while ! "$@"; do
    [ "$(kt_now_cs)" -lt "$_kt_deadline" ] || return 1
    sleep 0.1
  done
  return 0
}

# kt_netns NAME: a namespace with its loopback up.
kt_netns() {
  ip netns add "$1" && ip -n "$1" link set lo up
}

# kt_veth NS_A IF_A NS_B IF_B: a veth pair between two namespaces ("-" is the guest's root
# namespace), both ends up. Each end is created directly in its namespace: moving a device
# between namespaces afterwards costs about a second under TCG (RCU grace periods).
kt_veth() {
  _kt_peer_ns=$3
  [ "$_kt_peer_ns" != "-" ] || _kt_peer_ns=1 # "netns 1": the namespace of PID 1, the root one
  kt_ip_in "$1" link add "$2" type veth peer name "$4" netns "$_kt_peer_ns" &&
    kt_ip_in "$1" link set "$2" up && kt_ip_in "$3" link set "$4" up
}

# kt_lan BRIDGE: a bridge in the root namespace, up, forwarding at once (no listening delay): one
# LAN for directors, peers and observers that need to see each other's multicast and ARP.
kt_lan() {
  ip link add "$1" type bridge forward_delay 0 && ip link set "$1" up
}

# kt_lan_join BRIDGE NS ADDRESS/PREFIX MAC: namespace NS on the LAN as eth0 with a fixed MAC (so
# tests can tell which director answers ARP for a VIP) and one address.
kt_lan_join() {
  kt_netns "$2" && kt_veth - "p-$2" "$2" eth0 && ip link set "p-$2" master "$1" &&
    ip -n "$2" link set eth0 address "$4" && ip -n "$2" addr add "$3" dev eth0
}

# kt_ip_in NS ARGS...: iproute2 in namespace NS ("-" is the root namespace).
kt_ip_in() {
  _kt_ns=$1
  shift
  if [ "$_kt_ns" = "-" ]; then ip "$@"; else ip -n "$_kt_ns" "$@"; fi
}

# kt_in NS COMMAND...: runs COMMAND in namespace NS ("-" is the root namespace).
kt_in() {
  _kt_ns=$1
  shift
  if [ "$_kt_ns" = "-" ]; then "$@"; else ip netns exec "$_kt_ns" "$@"; fi
}

# kt_httpd NS ADDRESS PORT BODY: busybox httpd in NS serving BODY at /, listening on ADDRESS:PORT.
# Returns once the listener accepts connections.
kt_httpd() {
  _kt_root=/tmp/httpd-$1-$3
  mkdir -p "$_kt_root"
  echo "$4" >"$_kt_root/index.html"
  kt_in "$1" httpd -p "$2:$3" -h "$_kt_root" || return 1
  kt_wait_for 5 kt_listening "$1" "$3"
}

# kt_listening NS PORT: true when a TCP socket listens on PORT in NS (IPv4 or IPv6).
kt_listening() {
  _kt_hex=$(printf ':%04X' "$2")
  kt_in "$1" cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
    awk -v p="$_kt_hex" '$4 == "0A" && substr($2, length($2) - 4) == p {found = 1} END {exit !found}'
}

# kt_fetch NS URL: prints the body (CR/LF removed) or NONE; never hangs more than 5 s.
# busybox wget -T segfaults (built without FEATURE_WGET_TIMEOUT), hence timeout(1).
kt_fetch() {
  _kt_body=$(kt_in "$1" timeout 5 wget -q -O - "$2" 2>/dev/null | tr -d '\r\n')
  echo "${_kt_body:-NONE}"
}

# kt_ipvs_stat FIELD PROTO VIP:PORT [RIP:PORT]: one counter of a service (or of one of its real
# servers) from ipvsadm -Ln --stats; FIELD is conns, inpkts, outpkts, inbytes or outbytes.
# The kernel folds its per-CPU counters into these totals only every 2 s (estimator timer), so a
# test polls with kt_wait_for rather than reading once right after the traffic.
kt_ipvs_stat() {
  case $1 in
    conns) _kt_col=3 ;;
    inpkts) _kt_col=4 ;;
    outpkts) _kt_col=5 ;;
    inbytes) _kt_col=6 ;;
    outbytes) _kt_col=7 ;;
    *) echo "kt_ipvs_stat: unknown field $1" >&2; return 1 ;;
  esac
  ipvsadm -Ln --stats --exact | awk -v c="$_kt_col" -v p="$2" -v s="$3" -v d="${4:-}" '
    $1 == p { in_svc = ($2 == s); if (in_svc && d == "") { print $c; exit } next }
    in_svc && $1 == "->" && $2 == d { print $c; exit }'
}

# kt_ipvs_stat_is VALUE FIELD PROTO VIP:PORT [RIP:PORT]: true when that counter equals VALUE;
# made for kt_wait_for.
kt_ipvs_stat_is() {
  _kt_want=$1
  shift
  [ "$(kt_ipvs_stat "$@")" = "$_kt_want" ]
}

# kt_nat_topology VIP: the NAT lab. The guest's root namespace is the director and routes between
#   client 10.10.0.2 --veth d-client (10.10.0.1, VIP/32)
#   rs1 10.20.1.2 --veth d-rs1 (10.20.1.1), rs2 10.20.2.2 --veth d-rs2 (10.20.2.1)
# The real servers' default route points at the director, so replies pass back through IPVS;
# httpd in rs1/rs2 answers "RS1"/"RS2" on port 80.
kt_nat_topology() {
  kt_netns client && kt_netns rs1 && kt_netns rs2 || kt_die "creating NAT namespaces"
  kt_veth - d-client client eth0 && kt_veth - d-rs1 rs1 eth0 && kt_veth - d-rs2 rs2 eth0 || kt_die "NAT veths"
  ip addr add 10.10.0.1/24 dev d-client
  ip addr add "$1/32" dev d-client
  ip -n client addr add 10.10.0.2/24 dev eth0
  ip -n client route add default via 10.10.0.1
  for n in 1 2; do
    ip addr add "10.20.$n.1/24" dev "d-rs$n"
    ip -n "rs$n" addr add "10.20.$n.2/24" dev eth0
    ip -n "rs$n" route add default via "10.20.$n.1"
  done
  echo 1 >/proc/sys/net/ipv4/ip_forward
  kt_httpd rs1 10.20.1.2 80 RS1 || kt_die "httpd in rs1 does not listen"
  kt_httpd rs2 10.20.2.2 80 RS2 || kt_die "httpd in rs2 does not listen"
}

# kt_dr_topology VIP CLIENT_NS FIRST_HOST RS_NS...: the direct-routing lab on one L2 segment, a
# bridge br0 in the guest's root namespace (the director, 10.30.0.1 with VIP/32). CLIENT_NS gets
# 10.30.0.2 and a host route to the VIP via the director; the real servers get 10.30.0.FIRST_HOST,
# +1, ..., hold the VIP on lo with arp_ignore=1 and arp_announce=2, and serve their namespace name in
# upper case on port 80 (httpd on the wildcard address: they must accept connections to the VIP).
kt_dr_topology() {
  _kt_vip=$1 _kt_client=$2 _kt_host=$3
  shift 3
  if ! ip link show br0 >/dev/null 2>&1; then
    ip link add br0 type bridge forward_delay 0 || kt_die "creating the bridge"
    ip link set br0 up
    ip addr add 10.30.0.1/24 dev br0
  fi
  ip addr add "$_kt_vip/32" dev br0
  kt_netns "$_kt_client" || kt_die "creating $_kt_client"
  kt_veth - "p-$_kt_client" "$_kt_client" eth0 && ip link set "p-$_kt_client" master br0 || kt_die "veth for $_kt_client"
  ip -n "$_kt_client" addr add 10.30.0.2/24 dev eth0
  ip -n "$_kt_client" route add "$_kt_vip/32" via 10.30.0.1
  for _kt_rs in "$@"; do
    kt_netns "$_kt_rs" && kt_veth - "p-$_kt_rs" "$_kt_rs" eth0 && ip link set "p-$_kt_rs" master br0 ||
      kt_die "veth for $_kt_rs"
    ip -n "$_kt_rs" addr add "10.30.0.$_kt_host/24" dev eth0
    ip -n "$_kt_rs" addr add "$_kt_vip/32" dev lo
    for _kt_conf in all eth0; do
      kt_in "$_kt_rs" sysctl -q -w "net.ipv4.conf.$_kt_conf.arp_ignore=1" "net.ipv4.conf.$_kt_conf.arp_announce=2" ||
        kt_die "arp sysctls in $_kt_rs"
    done
    kt_httpd "$_kt_rs" 0.0.0.0 80 "$(echo "$_kt_rs" | tr 'a-z' 'A-Z')" || kt_die "httpd in $_kt_rs does not listen"
    _kt_host=$((_kt_host + 1))
  done
}

# kt_expect_alternation NAME NS URL A B: four fetches of URL from NS must answer A and B in turn
# (round robin over two real servers), in either order.
kt_expect_alternation() {
  _kt_answers=''
  for _ in 1 2 3 4; do _kt_answers="$_kt_answers $(kt_fetch "$2" "$3")"; done
  kt_log "$1: answers through the VIP:$_kt_answers"
  case "$_kt_answers" in
    " $4 $5 $4 $5" | " $5 $4 $5 $4") kt_pass "$1: round robin alternates between $4 and $5" ;;
    *) kt_fail "$1: expected $4/$5 alternating, got:$_kt_answers" ;;
  esac
}

# kt_expect_service_conns PROTO VIP:PORT N: the service's connection counter reaches N within 10 s.
kt_expect_service_conns() {
  if kt_wait_for 10 kt_ipvs_stat_is "$3" conns "$1" "$2"; then
    kt_pass "service $2 counted $3 connections"
  else
    kt_fail "service $2 connection counter is '$(kt_ipvs_stat conns "$1" "$2")' after 10 s, expected $3"
  fi
}

# --- processes, always killed by PID ----------------------------------------------------------------
# A test sets KT_RUN (default /tmp/ktest-run) before its first kt_spawn: PIDs go to $KT_RUN/pids/NAME,
# output to $KT_RUN/NAME.log.
KT_RUN=${KT_RUN:-/tmp/ktest-run}

# kt_spawn NAME NS COMMAND...: runs COMMAND in namespace NS in the background.
kt_spawn() {
  _kt_name=$1 _kt_sns=$2
  shift 2
  mkdir -p "$KT_RUN/pids"
  # iproute2 itself, not the ip() function: a function in the background runs in a forked shell,
  # and $! would be that shell's PID, not the program's (ip netns exec execs the program).
  /usr/sbin/ip netns exec "$_kt_sns" "$@" >"$KT_RUN/$_kt_name.log" 2>&1 &
  echo $! >"$KT_RUN/pids/$_kt_name"
}

kt_pid_of() { cat "$KT_RUN/pids/$1" 2>/dev/null; }

# kt_not_running PID: the process is gone or a zombie waiting to be reaped.
kt_not_running() {
  ! kill -0 "$1" 2>/dev/null && return 0
  _kt_state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
  [ "$_kt_state" = Z ] || [ -z "$_kt_state" ]
}

kt_alive() { _kt_p=$(kt_pid_of "$1") && [ -n "$_kt_p" ] && ! kt_not_running "$_kt_p"; }

# kt_stop NAME [SIGNAL]: signals the process and waits until it is gone.
kt_stop() {
  _kt_p=$(kt_pid_of "$1") || return 0
  kill "-${2:-TERM}" "$_kt_p" 2>/dev/null
  kt_wait_for 10 kt_not_running "$_kt_p" || kt_fail "$1 (PID $_kt_p) still runs 10 s after SIG${2:-TERM}"
  rm -f "$KT_RUN/pids/$1"
}

# kt_stop_all: SIGTERM to every process kt_spawn started, SIGKILL to those still there after 5 s.
kt_stop_all() {
  for _kt_f in "$KT_RUN"/pids/*; do
    [ -e "$_kt_f" ] && kill -TERM "$(cat "$_kt_f")" 2>/dev/null
  done
  for _kt_f in "$KT_RUN"/pids/*; do
    [ -e "$_kt_f" ] || continue
    _kt_p=$(cat "$_kt_f")
    kt_wait_for 5 kt_not_running "$_kt_p" || kill -KILL "$_kt_p" 2>/dev/null
    rm -f "$_kt_f"
  done
}

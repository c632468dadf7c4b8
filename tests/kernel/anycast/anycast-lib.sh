# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh disable=SC1091
# anycast-lib.sh: the lab of kernel_anycast (see anycast.sh): namespaces, BIRD and lbd
# configurations, the client's flows and what the router and the directors see.
#
#   client 10.62.0.2 --eth1-- router 10.62.0.1 / 10.61.0.1 (BIRD, AS 65000, ECMP over the directors)
#   br0 (the guest's root namespace, only the switch): router eth0, directors d1-d3 10.61.0.11-13
#   (lbd + BIRD, AS 65001, VIP on lo), real servers rs1-rs3 10.61.0.21-23 (DR: VIP on lo,
#   arp_ignore/arp_announce; default route via the router, so replies bypass the directors)
# Real servers: line echo on 7000 (busybox nc -ll -e cat, one process per connection: the long-lived
# flows), httpd on 80 answering RS1..RS3 (the short ones), httpd on 8081 only for the directors'
# checks, so that a director's checks can be failed (nft in its namespace) without touching traffic.
# shellcheck disable=SC2034 # read by e2e-lib.sh
E2E_MODE=dr
. "$KT_DIR/e2e-lib.sh"
W=/tmp/anycast
KT_RUN=$W
rm -rf $W
mkdir -p $W/pids $W/www
BIRD=/usr/local/bin/bird
BIRDC=/usr/local/bin/birdc
FLOW_CLIENT=/usr/local/bin/flow_client
for tool in "$LBD" "$LBCTL" "$BIRD" "$BIRDC" "$FLOW_CLIENT" /usr/sbin/nft; do
  [ -x "$tool" ] || kt_die "$tool is missing from the guest"
done
# lbd's announcement device is a TUN device: the base initramfs must load the tun module.
[ -c /dev/net/tun ] || kt_die "/dev/net/tun is missing: the guest has no tun module (harness/build-base.sh)"
VIP=10.60.0.100
ECHO_PORT=7000
HTTP_PORT=80
CHECK_PORT=8081
DIRECTORS='d1 d2 d3'
SERVERS='rs1 rs2 rs3'
# Checks: a real server is down after 2 failed probes 500 ms apart (timeout 400 ms), up after 2 good.
CHECK='{ type = "tcp", interval = "500ms", timeout = "400ms", rise = 2, fall = 2 }'
STOP_DELAY=3s
# BFD: 100 ms x 5 detects a dead link in 0.5 s (x 3 flapped sessions in a guest starved by a loaded
# host: 2 to 19 drops per session in a run). BGP: the shortest hold time (3 s) otherwise.
BFD_IF='interface "eth0" { min rx interval 100 ms; min tx interval 100 ms; multiplier 5; };'
BGP_TIMERS='hold time 3; keepalive time 1; connect delay time 1; connect retry time 1; error wait time 1, 5; bfd on;'

FIGURES=''
figure() {
  echo "FIGURE $1 $2"
  FIGURES="$FIGURES $1=$2"
}
dir_ip() { echo "10.61.0.1${1#d}"; }
rs_ip() { echo "10.61.0.2${1#rs}"; }
ms_since() { echo $((($(kt_now_cs) - $1) * 10)); }

# --- topology ------------------------------------------------------------------------------------
on_lan() { # NS ADDRESS
  netns "$1"
  plug "$1" eth0 br0 "p-$1"
  ip -n "$1" addr add "$2/24" dev eth0 || kt_die "address of $1"
}
build_lab() {
  ln -sf "$BIRDC" /usr/sbin/birdc || kt_die "linking birdc for lbctl"
  bridge br0
  on_lan router 10.61.0.1
  netns client
  kt_veth router eth1 client eth0 || kt_die "the client's link"
  if ! { ip -n router addr add 10.62.0.1/24 dev eth1 && ip -n client addr add 10.62.0.2/24 dev eth0 &&
    ip -n client route add default via 10.62.0.1; }; then
    kt_die "the client's addresses"
  fi
  # L4 hash: the flows of the one client spread over the directors, each flow staying on one.
  kt_in router sysctl -q -w net.ipv4.ip_forward=1 net.ipv4.fib_multipath_hash_policy=1 ||
    kt_die "router sysctls"
  for d in $DIRECTORS; do
    on_lan "$d" "$(dir_ip "$d")"
    ip -n "$d" route add default via 10.61.0.1 || kt_die "default route of $d"
  done
  for rs in $SERVERS; do
    on_lan "$rs" "$(rs_ip "$rs")"
    ip -n "$rs" route add default via 10.61.0.1 || kt_die "default route of $rs"
    kt_in "$rs" "$LBCTL" realserver setup --vip "$VIP" --mode dr >"$W/realserver-$rs.log" 2>&1 ||
      kt_die "lbctl realserver setup in $rs: $(cat "$W/realserver-$rs.log")"
    mkdir -p "$W/www/$rs"
    echo "$rs" | tr '[:lower:]' '[:upper:]' >"$W/www/$rs/index.html"
    spawn "httpd-$rs" "$rs" httpd -f -p "0.0.0.0:$HTTP_PORT" -h "$W/www/$rs"
    spawn "check-$rs" "$rs" httpd -f -p "0.0.0.0:$CHECK_PORT" -h "$W/www/$rs"
    spawn "echo-$rs" "$rs" nc -ll -p $ECHO_PORT -e /bin/cat
    for port in $HTTP_PORT $CHECK_PORT $ECHO_PORT; do
      kt_wait_for 5 kt_listening "$rs" "$port" || kt_die "nothing listens on port $port in $rs"
    done
  done
}

# --- BIRD ----------------------------------------------------------------------------------------
bird_router_conf() {
  cat <<EOF
router id 10.61.0.1;
log stderr all;
# Session state changes logged: a BFD or BGP session that drops unasked shows in router_bgp_downs.
debug protocols { states };
protocol device { scan time 10; }
# One multipath route per VIP, a next hop per announcing director.
protocol kernel { merge paths on; ipv4 { import none; export all; }; }
protocol bfd { $BFD_IF }
template bgp director {
  local 10.61.0.1 as 65000;
  $BGP_TIMERS
  ipv4 { import all; export none; };
}
EOF
  for d in $DIRECTORS; do echo "protocol bgp $d from director { neighbor $(dir_ip "$d") as 65001; }"; done
}
# The director's BIRD learns lbd's routes (protocol 245, main table) and announces only those.
bird_director_conf() { # DIRECTOR
  cat <<EOF
router id $(dir_ip "$1");
log stderr all;
protocol device { scan time 10; }
protocol kernel lbd_routes {
  kernel table 254;
  learn;
  scan time 10;
  ipv4 { import where krt_source = 245; export none; };
}
protocol bfd { $BFD_IF }
protocol bgp upstream {
  local $(dir_ip "$1") as 65001;
  neighbor 10.61.0.1 as 65000;
  $BGP_TIMERS
  ipv4 { import none; export where proto = "lbd_routes"; };
}
EOF
}
start_bird() { # NS
  if [ "$1" = router ]; then bird_router_conf; else bird_director_conf "$1"; fi >"$W/bird-$1.conf"
  spawn "bird-$1" "$1" "$BIRD" -f -c "$W/bird-$1.conf" -s "$W/bird-$1.ctl"
  kt_wait_for 10 test -S "$W/bird-$1.ctl" || kt_die "BIRD in $1 did not start: $(cat "$W/bird-$1.log")"
}
# lbd's own view of the group (lbctl anycast): announced or withdrawn; with BIRD's BGP session below
# it (lbctl runs /usr/sbin/birdc: linked in build_lab).
anycast_view() { lbctl_of "$1" anycast --bird-socket "$W/bird-$1.ctl" 2>&1; }
group_state() { # DIRECTOR
  anycast_view "$1" |
    awk '$1 == "web" { for (i = 2; i <= NF; i++) if ($i ~ /^(announced|withdrawn)$/) { print $i; exit } }'
}
birdc_in() { # NS COMMAND...
  _ns=$1
  shift
  kt_in "$_ns" "$BIRDC" -s "$W/bird-$_ns.ctl" "$@"
}
# bfd_up COUNT: the router has COUNT BFD sessions up.
bfd_up() { [ "$(birdc_in router show bfd sessions | grep -c ' Up ')" = "$1" ]; }

# --- lbd -----------------------------------------------------------------------------------------
# lbd_conf DIRECTOR: the same services on every director (mh over the same real servers in the same
# order, so a flow that moves to another director is scheduled to the same real server there).
lbd_conf() {
  {
    cat <<EOF
[global]
node_name = "$1"
control_socket = "$W/$1.sock"
log_level = "info"
reconcile_interval = "5s"
exit_policy = "remove"
anycast_stop_delay = "$STOP_DELAY"

[ipvs]
sloppy_tcp = true

[[anycast]]
name = "web"
virtual_ips = ["$VIP"]
interface = "lo"
high_watermark = 0
low_watermark = 0
EOF
    for svc in echo:$ECHO_PORT web:$HTTP_PORT; do
      cat <<EOF

[[virtual_server]]
name = "${svc%:*}"
address = "$VIP:${svc#*:}"
anycast = "web"
protocol = "tcp"
scheduler = "mh"
scheduler_flags = ["mh-port"]
forwarding = "dr"
on_failure = "inhibit"
check = $CHECK
EOF
      for rs in $SERVERS; do
        printf '\n[[virtual_server.real_server]]\naddress = "%s:%s"\ncheck = { connect_to = "%s:%s" }\n' \
          "$(rs_ip "$rs")" "${svc#*:}" "$(rs_ip "$rs")" $CHECK_PORT
      done
    done
  } >"$W/$1.conf"
}
start_lbd() { lbd_conf "$1" && start_director "$1"; }
lbd_pid() { pid_of "lbd-$1"; }

# --- what the router and the directors see -------------------------------------------------------
route_of_vip() { ip -n router route show "$VIP" 2>/dev/null; }
# hops: the directors the router's route to the VIP leads to, sorted ("d1 d2 d3").
hops() {
  route_of_vip | grep -o 'via 10\.61\.0\.1[0-9]' | sed 's/via 10\.61\.0\.1/d/' | sort | tr '\n' ' ' | sed 's/ $//'
}
hops_are() { [ "$(hops)" = "$*" ]; }
# expect_back DIRECTOR WHEN: the director at the router again within 60 s; else what BIRD and lbd
# say, at once.
expect_back() {
  if kt_wait_for 60 has_hop "$1"; then kt_pass "$1 back at the router $2"; else
    kt_fail "$1 not back at the router $2 after 60 s: '$(hops)'"
    diagnose
  fi
}
# expect_hops DIRECTOR...: the router's route leads to these directors, and only these, within 10 s
# (at once, unless a BFD session flapped in a starved guest: then once it is back).
expect_hops() {
  if kt_wait_for 10 hops_are "$@"; then kt_pass "the router's next hops: $*"; else
    kt_fail "the router's next hops: expected '$*', got '$(hops)'"; fi
}
has_hop() { route_of_vip | grep -q "via $(dir_ip "$1") "; }
lacks_hop() { ! has_hop "$1"; }
# service_in DIRECTOR PORT: the director's IPVS has the service VIP:PORT.
service_in() { kt_in "$1" /usr/sbin/ipvsadm -Ln -t "$VIP:$2" >/dev/null 2>&1; }
# svc_conns DIRECTOR PORT: connections IPVS scheduled for VIP:PORT in the director (0 if none).
svc_conns() {
  _c=$(kt_in "$1" /usr/sbin/ipvsadm -Ln --stats --exact -t "$VIP:$2" 2>/dev/null | awk '$1 == "TCP" { print $3 }')
  echo "${_c:-0}"
}
# dests DIRECTOR PORT: the service's real servers in the kernel's list order, which mh fills its
# table in (from /proc/net/ip_vs: ipvsadm sorts them), with their weights.
dests() {
  kt_in "$1" cat /proc/net/ip_vs | awk -v vip="$VIP" -v port="$2" '
    function dec(h,  i, n) {
      for (i = 1; i <= length(h); i++) n = n * 16 + index("0123456789ABCDEF", substr(h, i, 1)) - 1
      return n
    }
    BEGIN { split(vip, o, "."); key = sprintf("%02X%02X%02X%02X:%04X", o[1], o[2], o[3], o[4], port) }
    $1 == "TCP" || $1 == "UDP" || $1 == "FWM" || $1 == "SCTP" { in_svc = ($2 == key); next }
    in_svc && $1 == "->" { a = $2; printf "%d.%d.%d.%d:%d/%s ", dec(substr(a, 1, 2)), dec(substr(a, 3, 2)),
      dec(substr(a, 5, 2)), dec(substr(a, 7, 2)), dec(substr(a, 10, 4)), $4 }'
}
# order DIRECTOR PORT: dests without the weights.
order() { dests "$@" | sed 's|/[0-9]* | |g'; }
# same_order WHEN: d2 and d3 list the echo service's real servers in d1's order. mh fills its table
# in that order (a slot two servers want goes to the one listed first), so the same order on every
# director is what sends a flow moved to another director to the same real server.
same_order() {
  for _o_d in d2 d3; do
    kt_expect_eq "$_o_d: the echo service's real servers in d1's order $1" "$(order d1 "$ECHO_PORT")" \
      "$(order "$_o_d" "$ECHO_PORT")"
  done
}

# A probe table in each director: the client ports of the echo flows whose packets reached it since
# the last flush (prerouting, before IPVS). Flushed before each round of the flows, read after it:
# which director carried each flow in that round.
probe_table() { # DIRECTOR
  printf '%s\n' 'table ip probe {' ' set seen { type inet_service; flags dynamic; }' \
    ' chain pre {' '  type filter hook prerouting priority -300;' \
    "  ip daddr $VIP tcp dport $ECHO_PORT add @seen { tcp sport }" ' }' '}' |
    kt_in "$1" /usr/sbin/nft -f - || kt_die "probe table in $1"
}
seen_ports() { # DIRECTOR: one port a line
  kt_in "$1" /usr/sbin/nft list set ip probe seen | sed -n '/elements/,/}/p' | tr -c '0-9' '\n' | grep -E '^[0-9]+$'
}

# --- the client's flows --------------------------------------------------------------------------
FLOWS=60
FLOW_SPORT=40000
# start_flows: flow_client holding FLOWS connections to the echo service, driven through a FIFO on
# fd 7 (one line per round); its output is $W/flows.log.
start_flows() {
  mkfifo "$W/flows.in" || kt_die "mkfifo"
  /usr/sbin/ip netns exec client "$FLOW_CLIENT" flows "$VIP" $ECHO_PORT $FLOWS $FLOW_SPORT \
    <"$W/flows.in" >"$W/flows.log" 2>&1 &
  echo $! >"$W/pids/flows"
  exec 7>"$W/flows.in"
  kt_wait_for 60 grep -q '^ready ' "$W/flows.log" || kt_die "the flows did not open: $(tail -n 3 "$W/flows.log")"
}
# round TAG: every live flow sends "TAG-i" and waits for its echo; then $W/seen-TAG-DIRECTOR holds
# the ports each director carried in this round.
round() {
  alive flows || kt_die "flow_client is gone: $(tail -n 3 "$W/flows.log")"
  for _d in $DIRECTORS; do kt_in "$_d" /usr/sbin/nft flush set ip probe seen; done
  echo "$1" >&7
  kt_wait_for 40 grep -q "^round $1 " "$W/flows.log" || kt_fail "round $1 did not finish"
  for _d in $DIRECTORS; do seen_ports "$_d" >"$W/seen-$1-$_d"; done
  say "round $1: $(grep "^round $1 " "$W/flows.log" | cut -d' ' -f3-);" \
    "carried by$(for _d in $DIRECTORS; do printf ' %s %s' "$_d" "$(wc -l <"$W/seen-$1-$_d")"; done)"
}
round_ok() { grep "^round $1 " "$W/flows.log" | sed -n 's/.* ok=\([0-9]*\).*/\1/p'; }
# group TAG DIRECTOR...: the ports these directors carried in round TAG, into $W/group.
group() {
  _g_tag=$1
  shift
  for _g_d in "$@"; do cat "$W/seen-$_g_tag-$_g_d"; done | sort -u >"$W/group"
}
# survived TAG: "K/M": of the M flows in $W/group, K echoed their line in round TAG.
survived() {
  awk -v tag="$1" 'NR == FNR { want[$1] = 1; next }
    $1 == "flow" && $2 == tag && ($4 in want) { m++; if ($5 == "ok") k++ }
    END { print k + 0 "/" m + 0 }' "$W/group" "$W/flows.log"
}
# at_least PERCENT K/M: K is at least PERCENT of M.
at_least() { _k=${2%/*} _m=${2#*/}; [ $((_k * 100)) -ge $(($1 * _m)) ]; }
# survivors TAG BEFORE FIGURE DIRECTOR: after an event that took DIRECTOR out, the flows that went
# through it in round BEFORE must survive round TAG at >= 99 %, the others all; both as figures.
survivors() {
  _s_tag=$1 _before=$2 _fig=$3 _out=$4
  group "$_before" "$_out"
  _via=$(survived "$_s_tag")
  # shellcheck disable=SC2046 # the other directors, one word each
  group "$_before" $(echo "$DIRECTORS" | tr ' ' '\n' | grep -vx "$_out")
  _others=$(survived "$_s_tag")
  figure "${_fig}_survived_via_$_out" "$_via"
  figure "${_fig}_survived_others" "$_others"
  # A move measured on no flow would pass on nothing: 60 flows over three directors leave none out.
  [ "${_via#*/}" -gt 0 ] || kt_fail "$_fig: no flow went through $_out in round $_before: nothing measured"
  if at_least 99 "$_via"; then kt_pass "$_fig: $_via of the flows through $_out survived (>= 99 %)"; else
    kt_fail "$_fig: only $_via of the flows through $_out survived (>= 99 % expected)"; fi
  if [ "${_others%/*}" = "${_others#*/}" ]; then kt_pass "$_fig: all $_others other flows survived"; else
    kt_fail "$_fig: only $_others of the flows through the other directors survived"; fi
  _lost=$(grep "^flow $_s_tag " "$W/flows.log" | grep -vE ' (ok|dead)$' | tr '\n' ';')
  [ -z "$_lost" ] || say "flows lost in round $_s_tag: $_lost"
}
# none_broke TAG FIGURE: every flow alive before round TAG echoed in it.
none_broke() {
  _broken=$(grep "^flow $1 " "$W/flows.log" | grep -cvE ' (ok|dead)$')
  figure "$2_broken" "$_broken"
  kt_expect_eq "$2: flows broken" 0 "$_broken"
}
# diagnose: what BIRD and lbd say, for a failed run; and whether each director reaches the real
# servers' check port itself (a request of its own) while lbd's checks say what they say.
diagnose() {
  for _n in router $DIRECTORS; do echo "--- BIRD $_n"; birdc_in "$_n" show protocols 2>&1; done
  for _d in $DIRECTORS; do
    echo "--- lbd-$_d"
    tail -n 25 "$W/lbd-$_d.log"
    for _rs in $SERVERS; do
      _hand=$(kt_in "$_d" "$FLOW_CLIENT" short "$(rs_ip "$_rs")" $CHECK_PORT 1 30000 | tail -n 1)
      echo "$_d -> $_rs:$CHECK_PORT by hand: $_hand"
    done
    echo "$_d: lbd's IP sockets: $(kt_in "$_d" ss -anp -f inet | grep '"lbd"' | tr -s ' \n' ' ')"
    ! alive "lbd-$_d" || { lbctl_of "$_d" checks; lbctl_of "$_d" anycast; } 2>&1
  done
}
kill_lbd() { kill "-$2" "$(lbd_pid "$1")"; } # DIRECTOR SIGNAL

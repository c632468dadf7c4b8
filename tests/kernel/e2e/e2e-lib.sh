# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# e2e-lib.sh: the lab of the end-to-end story of a director pair (namespaces, lbd.conf, processes,
# the client, narration), shared by the live demo (scripts/demo.sh) and the kernel tests
# kernel_e2e_nat / kernel_e2e_dr. nat.sh and dr.sh set E2E_MODE=nat|dr and source this, then
# scenario.sh, the story itself.
#
# Inside the guest, namespaces play every machine. The guest's root namespace is only the switch.
#   NAT: client 10.10.0.2 --br-front-- director-a .11 / director-b .12, VIP 10.10.0.100
#        real servers 10.20.0.21-23 --br-back-- director-a .11 / director-b .12, gateway VIP 10.20.0.1
#        (the real servers' default route; VRRP "front" and "back" in one sync group, so replies
#        always go back through the director that holds the VIP)
#   DR:  everything on one segment br-front: client 10.30.0.2, directors .11/.12, real servers
#        .21-.23 holding the VIP 10.30.0.100 on lo (lbctl realserver setup --mode dr)
# director-a runs lbd with priority 150, director-b with 100; VRRPv3 with 100 ms adverts; both
# program IPVS and check the real servers; the VIP lives on the MASTER.
#
# Story: (1) requests through the VIP alternate; (2) a real server dies and is removed; (3) it comes
# back and is re-added after `rise` good checks; (4) director-a crashes (lbd SIGKILLed, links cut)
# while the client keeps sending requests, and director-b takes over; (5) a reload adds a real server
# without a VRRP transition. Figures go to a summary and to one KTEST-FIGURES line.
. /usr/lib/ktest/lib.sh

LBD=/usr/local/bin/lbd
LBCTL=/usr/local/bin/lbctl
W=/tmp/e2e
KT_RUN=$W
rm -rf $W
mkdir -p $W/pids $W/www

case ${E2E_MODE:-} in
  nat)
    VIP=10.10.0.100 FRONT_NET=10.10.0 BACK_NET=10.20.0 CLIENT_IP=10.10.0.2 GATEWAY=10.20.0.1
    MODE_TITLE="NAT (masquerading; replies return through the director)"
    ;;
  dr)
    VIP=10.30.0.100 FRONT_NET=10.30.0 BACK_NET=10.30.0 CLIENT_IP=10.30.0.2 GATEWAY=''
    MODE_TITLE="DR (direct routing; real servers hold the VIP on lo and reply to the client directly)"
    ;;
  *) kt_die "E2E_MODE must be nat or dr, not '${E2E_MODE:-}'" ;;
esac
URL=http://$VIP/
# Health checks: a dead server fails `fall` probes in a row; a returning one passes `rise`.
CHECK_INTERVAL=500ms CHECK_TIMEOUT=400ms CHECK_RISE=2 CHECK_FALL=2
ADVERT_INTERVAL=100ms

# --- narration and timing ------------------------------------------------------------------------
STEP=0
heading() {
  STEP=$((STEP + 1))
  echo
  echo "=============================================================================================="
  echo "== Step $STEP: $*"
  echo "=============================================================================================="
}
say() { echo ">> $*"; }
# Centiseconds to seconds with two decimals.
secs() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }

# wait_fast SECONDS COMMAND...: like kt_wait_for, polling every 20 ms, for the timed steps.
wait_fast() {
  _deadline=$(($(kt_now_cs) + $1 * 100))
  shift
  while ! "$@"; do
    [ "$(kt_now_cs)" -lt "$_deadline" ] || return 1
    sleep 0.02
  done
}

# --- processes, always killed by PID --------------------------------------------------------------
# spawn NAME NS COMMAND...: kt_spawn (PID in $W/pids/NAME, output in $W/NAME.log).
spawn() { kt_spawn "$@"; }
# spawn_stamped NAME NS COMMAND...: the same for a daemon whose log lines get the guest uptime in
# front (lbd's own lines carry no time): its output goes through stamp into $W/NAME.log. The PID is
# the program's own (a shell writes its PID, then execs the program), written before it starts.
spawn_stamped() {
  _name=$1 _ns=$2
  shift 2
  rm -f "$W/pids/$_name"
  # shellcheck disable=SC2016 # $$ and $@ belong to the inner shell
  /usr/sbin/ip netns exec "$_ns" /bin/sh -c 'echo $$ >"$0"; exec "$@"' "$W/pids/$_name" "$@" 2>&1 |
    stamp >"$W/$_name.log" &
  kt_wait_for 5 test -s "$W/pids/$_name" || kt_die "$_name did not start"
}
# stamp: each line of stdin with the guest uptime (s, two decimals) in front. Builtins only: no fork
# per line.
stamp() {
  while IFS= read -r _line; do
    read -r _up _ </proc/uptime
    echo "$_up $_line"
  done
}
# log_time_cs NAME SINCE_CS REGEX: the time (cs) of the first line of $W/NAME.log stamped at or after
# SINCE_CS that matches REGEX; nothing if there is none.
log_time_cs() {
  awk -v since="$2" -v re="$3" '$1 * 100 >= since && $0 ~ re { printf "%d", $1 * 100 + 0.5; exit }' "$W/$1.log"
}
# since_cs T0 DIRECTOR...: centiseconds from T0 to the first matching line (regex in $LOGGED) of
# the slowest director's lbd log; nothing if one of them has no such line.
since_cs() {
  _t0=$1 _worst=''
  shift
  for _d in "$@"; do
    _t=$(log_time_cs "lbd-$_d" "$_t0" "$LOGGED")
    [ -n "$_t" ] || return 0
    [ -n "$_worst" ] && [ "$_worst" -ge "$_t" ] || _worst=$_t
  done
  echo $((_worst - _t0))
}
# logged_since T0 DIRECTOR...: since_cs, waiting up to 10 s for the lines (in a starved guest the
# stamping reader can lag behind the kernel state the caller already saw).
logged_since() {
  _until=$(($(kt_now_cs) + 1000))
  while :; do
    _r=$(since_cs "$@")
    [ -z "$_r" ] || { echo "$_r"; return 0; }
    [ "$(kt_now_cs)" -lt "$_until" ] || return 0
    sleep 0.1
  done
}
pid_of() { kt_pid_of "$1"; }
alive() { kt_alive "$1"; }
stop() { kt_stop "$@"; }
not_running() { kt_not_running "$1"; }

NAMESPACES=''
cleanup() {
  kt_stop_all
  for _ns in $NAMESPACES; do ip netns del "$_ns" 2>/dev/null; done
  ip link del br-front 2>/dev/null
  ip link del br-back 2>/dev/null
}
trap cleanup EXIT

# --- topology -------------------------------------------------------------------------------------
netns() { kt_netns "$1" || kt_die "creating namespace $1"; NAMESPACES="$NAMESPACES $1"; }
bridge() {
  ip link add "$1" type bridge forward_delay 0 || kt_die "creating bridge $1"
  ip link set "$1" up
}
# plug NS IFNAME BRIDGE TAG: a veth from IFNAME in NS to BRIDGE in the root namespace.
plug() {
  kt_veth "$1" "$2" - "$4" && ip link set "$4" master "$3" || kt_die "connecting $1 to $3"
}

# serve NS ADDRESS: busybox httpd in the foreground (so its PID is known) answering its own name.
serve() {
  mkdir -p "$W/www/$1"
  echo "$1" | tr 'a-z' 'A-Z' >"$W/www/$1/index.html"
  spawn "httpd-$1" "$1" httpd -f -p "$2:80" -h "$W/www/$1"
  kt_wait_for 5 kt_listening "$1" 80 || kt_die "httpd in $1 does not listen"
}

build_topology() {
  bridge br-front
  netns client
  plug client eth0 br-front c-client
  ip -n client addr add "$CLIENT_IP/24" dev eth0
  [ "$E2E_MODE" = dr ] || bridge br-back
  for d in a b; do
    netns "director-$d"
    plug "director-$d" eth0 br-front "f-dir-$d"
    case $d in a) host=11 ;; b) host=12 ;; esac
    ip -n "director-$d" addr add "$FRONT_NET.$host/24" dev eth0
    if [ "$E2E_MODE" = nat ]; then
      plug "director-$d" eth1 br-back "b-dir-$d"
      ip -n "director-$d" addr add "$BACK_NET.$host/24" dev eth1
      kt_in "director-$d" sysctl -q -w net.ipv4.ip_forward=1 || kt_die "ip_forward in director-$d"
    fi
  done
  n=1
  for rs in rs1 rs2 rs3; do
    netns $rs
    if [ "$E2E_MODE" = nat ]; then
      plug $rs eth0 br-back "b-$rs"
      ip -n $rs addr add "$BACK_NET.2$n/24" dev eth0
      ip -n $rs route add default via "$GATEWAY"
      serve $rs "$BACK_NET.2$n"
    else
      plug $rs eth0 br-front "f-$rs"
      ip -n $rs addr add "$BACK_NET.2$n/24" dev eth0
      kt_in $rs $LBCTL realserver setup --vip "$VIP" --mode dr >"$W/realserver-$rs.log" 2>&1 ||
        kt_die "lbctl realserver setup in $rs: $(cat "$W/realserver-$rs.log")"
      serve $rs 0.0.0.0
    fi
    n=$((n + 1))
  done
  if [ "$E2E_MODE" = dr ]; then
    say "rs1 prepared for DR by lbctl realserver setup --vip $VIP --mode dr:"
    sed 's/^/     /' "$W/realserver-rs1.log"
  fi
}

# --- lbd ------------------------------------------------------------------------------------------
# write_config DIRECTOR PRIORITY REAL_SERVERS...: director-X's lbd.conf.
write_config() {
  _dir=$1 _prio=$2
  shift 2
  {
    cat <<EOF
[global]
node_name = "$_dir"
control_socket = "$W/$_dir.sock"
log_level = "notice"
reconcile_interval = "5s"
exit_policy = "keep"

[[vrrp]]
name = "front"
interface = "eth0"
vrid = 51
priority = $_prio
version = 3
advert_interval = "$ADVERT_INTERVAL"
virtual_ips = ["$VIP/24"]
EOF
    if [ "$E2E_MODE" = nat ]; then
      cat <<EOF
sync_group = "director"

# The real servers' default gateway follows the VIP, so replies return through the MASTER.
[[vrrp]]
name = "back"
interface = "eth1"
vrid = 52
priority = $_prio
version = 3
advert_interval = "$ADVERT_INTERVAL"
virtual_ips = ["$GATEWAY/24"]
sync_group = "director"
EOF
    fi
    cat <<EOF

[[virtual_server]]
name = "web"
address = "$VIP:80"
scheduler = "rr"
forwarding = "$E2E_MODE"
on_failure = "remove"
vrrp = "front"
check = { type = "http", path = "/", interval = "$CHECK_INTERVAL", timeout = "$CHECK_TIMEOUT", rise = $CHECK_RISE, fall = $CHECK_FALL }
EOF
    for _rs in "$@"; do
      printf '\n[[virtual_server.real_server]]\naddress = "%s:80"\n' "$(rs_ip "$_rs")"
    done
  } >"$W/$_dir.conf"
}
rs_ip() { echo "$BACK_NET.2${1#rs}"; }

start_director() { # DIRECTOR
  $LBD --check "$W/$1.conf" >"$W/$1.check" 2>&1 || kt_die "lbd --check $1.conf: $(cat "$W/$1.check")"
  spawn_stamped "lbd-$1" "$1" $LBD -f "$W/$1.conf"
}

lbctl_of() { # DIRECTOR ARGS...
  _d=$1
  shift
  $LBCTL -s "$W/$_d.sock" "$@"
}
status() { # DIRECTOR...: `lbctl status` of each running director
  for _d in "$@"; do
    echo "-- lbctl status on $_d"
    lbctl_of "$_d" status >"$W/status.out" 2>&1 || kt_fail "lbctl status on $_d (exit $?)"
    sed 's/^/   /' "$W/status.out"
  done
}
running_directors() {
  for _d in director-a director-b; do alive "lbd-$_d" && echo "$_d"; done
}
# new_log_lines DIRECTOR: what its lbd logged since the last call (log_level notice: transitions).
new_log_lines() {
  _f=$W/lbd-$1.log _seen=$W/lbd-$1.seen
  [ -f "$_f" ] || return 0
  _from=$(($(cat "$_seen" 2>/dev/null || echo 0) + 1))
  wc -l <"$_f" >"$_seen"
  tail -n +"$_from" "$_f" | sed "s/^\([0-9.]*\) /   \1 $1 /"
}
show_status() {
  for _d in director-a director-b; do new_log_lines "$_d"; done
  # shellcheck disable=SC2046
  status $(running_directors)
}

# masters DIRECTOR: how many of its VRRP instances are MASTER, as `lbctl vrrp --json` reports.
masters() { lbctl_of "$1" vrrp --json 2>/dev/null | grep -c '"state": *"MASTER"'; }
masters_are() { [ "$(masters "$1")" = "$2" ]; }
INSTANCES=1
[ "$E2E_MODE" = dr ] || INSTANCES=2
holds_vip() { ip -n "$1" -4 addr show dev eth0 2>/dev/null | grep -q "inet $VIP/"; }
lacks_vip() { ! holds_vip "$1"; }
# logged DIRECTOR TEXT: its lbd logged TEXT about VRRP instance "front".
logged() { grep -qE "vrrp\[front/51\].*$2" "$W/lbd-$1.log"; }
# State changes an lbd logged (the VRRP core logs each once: "vrrp[front/51] BACKUP -> MASTER (...)").
transitions() { grep -cE 'vrrp\[front/51\].* (INIT|BACKUP|MASTER|FAULT) -> ' "$W/lbd-$1.log"; }

# in_ipvs DIRECTOR RS: RS is a destination of the service in DIRECTOR's IPVS table.
in_ipvs() { kt_in "$1" /usr/sbin/ipvsadm -Ln -t "$VIP:80" 2>/dev/null | grep -q " $(rs_ip "$2"):80 "; }
not_in_ipvs() { ! in_ipvs "$@"; }
in_ipvs_everywhere() { # RS: on every running director
  for _d in $(running_directors); do in_ipvs "$_d" "$1" || return 1; done
}
gone_everywhere() {
  for _d in $(running_directors); do in_ipvs "$_d" "$1" && return 1; done
  return 0
}

# fetches N: N answers through the VIP from the client, space separated.
fetches() {
  _out=''
  for _ in $(seq "$1"); do _out="$_out $(kt_fetch client "$URL")"; done
  echo "${_out# }"
}
# Traffic checks: each makes its requests, sets DETAIL and returns 0 when the answers are right.
# rotates SERVER...: 2 rounds of requests; each server answers twice, never twice in a row (round
# robin).
rotates() {
  _n=$(($# * 2))
  _got=$(fetches $_n)
  say "$_n requests through $URL answered by: $_got"
  DETAIL="expected $* in turn, got: $_got"
  for _s in "$@"; do
    [ "$(echo "$_got" | tr ' ' '\n' | grep -cx "$_s")" = 2 ] || return 1
  done
  [ "$(echo "$_got" | tr ' ' '\n' | uniq | wc -l)" = "$_n" ] || return 1
  DETAIL="requests rotate over $*"
}
# served SERVER...: in 2 rounds of requests every server answers, and no other. (Right after the
# real servers changed, where round robin resumes depends on the kernel's list.)
served() {
  _n=$(($# * 2))
  _got=$(fetches $_n)
  say "$_n requests through $URL answered by: $_got"
  DETAIL="expected answers from each of $*, got: $_got"
  for _s in "$@"; do
    echo "$_got" | tr ' ' '\n' | grep -qx "$_s" || return 1
  done
  for _s in $_got; do
    case " $* " in *" $_s "*) ;; *) return 1 ;; esac
  done
  DETAIL="$* all serve"
}
# only SERVER: 4 requests, all answered by SERVER.
only() {
  _got=$(fetches 4)
  say "4 requests through $URL answered by: $_got"
  DETAIL="expected only $1, got: $_got"
  [ "$_got" = "$1 $1 $1 $1" ] || return 1
  DETAIL="every request goes to $1"
}
# state_events [UNTIL_CS]: VRRP state changes, master conflicts and health check verdict changes both
# directors logged (stamped before UNTIL_CS, if given).
state_events() {
  cat "$W"/lbd-director-*.log | awk -v t="${1:-}" 't == "" || $1 * 100 < t' |
    grep -cE 'vrrp\[.* (-> (INIT|BACKUP|MASTER|FAULT) |also acts as master)|check\[.*: (up|down) -> '
}
# settled SERVER...: every running director has exactly these real servers (RS1 -> rs1...) in IPVS.
settled() {
  for _rs in rs1 rs2 rs3; do
    case " $* " in
      *" $(echo $_rs | tr 'a-z' 'A-Z') "*) in_ipvs_everywhere $_rs || return 1 ;;
      *) gone_everywhere $_rs || return 1 ;;
    esac
  done
}
# traffic_check DESCRIPTION CHECK SERVER...: PASS or FAIL for a traffic check. A TCG guest on a busy
# host is sometimes frozen for longer than Master_Down_Interval (0.36 s) or a check timeout: then
# director-b takes over for a moment and yields at director-a's next advert, or a check times out
# and its server leaves IPVS until it rises again, and requests in flight can fail. A check that
# failed while lbd logged such a change is run once more when IPVS is back to SERVER... (the
# narration says so).
traffic_check() {
  _desc=$1 _check=$2
  shift 2
  _events=$(state_events)
  if "$_check" "$@"; then
    kt_pass "$_desc: $DETAIL"
  elif [ "$(state_events)" != "$_events" ]; then
    say "lbd changed VRRP or health state during these requests (a starved guest); once more:"
    kt_wait_for 15 settled "$@"
    if "$_check" "$@"; then kt_pass "$_desc: $DETAIL (second try)"; else kt_fail "$_desc: $DETAIL"; fi
  else
    kt_fail "$_desc: $DETAIL"
  fi
}

# --- the client that keeps sending requests during the failover ----------------------------------
# One request after the other, each given 5 s (a lost SYN is resent after 1 s, then 3 s), with a
# 50 ms pause: back-to-back wget runs would starve the single emulated CPU, and lbd's 100 ms adverts
# with it. A line per request: start and end (guest uptime, s) and the body, or FAILED.
cat >$W/client-loop.sh <<EOF
while [ ! -e $W/client.stop ]; do
  t0=\$(cut -d' ' -f1 /proc/uptime)
  body=\$(timeout 5 wget -q -O - $URL 2>/dev/null | tr -d '\r\n')
  t1=\$(cut -d' ' -f1 /proc/uptime)
  echo "\$t0 \$t1 \${body:-FAILED}" >>$W/requests.log
  sleep 0.05
done
EOF
requests_ok() { if [ -f $W/requests.log ]; then grep -cv ' FAILED$' $W/requests.log; else echo 0; fi; }
requests_ok_at_least() { [ "$(requests_ok)" -ge "$1" ]; }


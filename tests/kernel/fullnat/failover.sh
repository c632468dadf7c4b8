# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh disable=SC1091
# kernel_fullnat_failover: what a VRRP takeover does to established FULLNAT connections.
#
# A FULLNAT connection lives in two tables of the director: IPVS's connection (client -> VIP:port
# -> real server) and conntrack's entry, whose reply tuple carries the source NAT binding (real
# server -> pool address:random port) that nftables' `snat ... fully-random` chose. Three director
# pairs side by side on one segment, each with its own VIP, pool address, VRID and a link of its
# own between its two directors (sync0), all with the same real servers:
#   n (VIP .100, pool .201): no state sync;
#   i (VIP .101, pool .202): IPVS's sync daemon ([ipvs.sync_daemon] following the VRRP instance);
#   c (VIP .102, pool .203): the sync daemon and conntrackd (FTFW over sync0), whose external cache
#     the new MASTER commits through the sync group's ordered hook (notify.master, master_wait)
#     before it adds the VIPs.
# N long-lived TCP connections per pair from the client to a line-echo service (busybox nc -ll -e
# cat on port 7000 of rs1 and rs2) each send a line before the takeover; then every director-a's lbd
# is SIGKILLed and its eth0 taken down, and once director-b holds the pair's VIP each connection
# sends a second line. FIGURE takeover_established_survived_<pair> is how many got it echoed.
# Checked: every connection echoed its first line; (c) keeps at least C_MIN of N; new connections
# through every pair work after the takeover.
# shellcheck disable=SC2034 # read by e2e-lib.sh
E2E_MODE=nat
. "$KT_DIR/e2e-lib.sh"
CONNTRACKD=/usr/local/bin/conntrackd
for tool in "$LBD" "$LBCTL" /usr/sbin/nft "$CONNTRACKD"; do [ -x "$tool" ] || kt_die "$tool is missing from the guest"; done
FIGURES=''
figure() {
  echo "FIGURE $1 $2"
  FIGURES="$FIGURES $1=$2"
}
up() { cut -d' ' -f1 /proc/uptime; }

N=20
C_MIN=$N # the least (c) must keep
PORT=7000
PAIRS='n i c'
ADVERT_INTERVAL=1s
# pair_vars PAIR: VIP_, POOL_, VRID_, HOST_ (director-a's last octet; director-b's is one more).
pair_vars() {
  case $1 in
    n) VIP_=10.40.0.100 POOL_=10.41.0.201 VRID_=61 HOST_=11 ;;
    i) VIP_=10.40.0.101 POOL_=10.41.0.202 VRID_=62 HOST_=13 ;;
    c) VIP_=10.40.0.102 POOL_=10.41.0.203 VRID_=63 HOST_=15 ;;
  esac
}
label() { case $1 in n) echo nosync ;; i) echo ipvs_sync ;; c) echo conntrackd ;; esac; }

# --- topology ------------------------------------------------------------------------------------
node() { # NS ADDRESS/LEN
  netns "$1"
  plug "$1" eth0 br-front "p-$1"
  ip -n "$1" addr add "$2" dev eth0 || kt_die "address of $1"
}
bridge br-front
node client 10.40.0.2/24
for n in 1 2; do
  node rs$n 10.41.0.2$n/24
  ip -n rs$n route add default via 10.41.0.254 || kt_die "route of rs$n"
  # A line-echo service: one nc (and cat) per connection.
  spawn "echo-rs$n" rs$n nc -ll -p $PORT -e /bin/cat
  kt_wait_for 5 kt_listening rs$n $PORT || kt_die "the echo service in rs$n does not listen"
done
for p in $PAIRS; do
  pair_vars "$p"
  node "d$p-a" "10.40.0.$HOST_/24"
  node "d$p-b" "10.40.0.$((HOST_ + 1))/24"
  kt_veth "d$p-a" sync0 "d$p-b" sync0 || kt_die "sync link of pair $p"
  ip -n "d$p-a" addr add "10.42.$VRID_.1/24" dev sync0 && ip -n "d$p-b" addr add "10.42.$VRID_.2/24" dev sync0 ||
    kt_die "addresses on the sync link of pair $p"
done

# --- configuration -------------------------------------------------------------------------------
# fo_config PAIR a|b PRIORITY: the director's lbd.conf.
fo_config() {
  pair_vars "$1"
  _d=d$1-$2
  {
    cat <<EOF
[global]
node_name = "$_d"
control_socket = "$W/$_d.sock"
log_level = "info"
reconcile_interval = "5s"
exit_policy = "remove"

[ipvs]
fullnat_pool4 = "$POOL_"
EOF
    [ "$1" = n ] || echo "sync_daemon = { interface = \"sync0\", sync_id = $VRID_, follow = \"front\" }"
    cat <<EOF

[[vrrp]]
name = "front"
interface = "eth0"
vrid = $VRID_
priority = $3
version = 3
advert_interval = "$ADVERT_INTERVAL"
virtual_ips = ["$VIP_/24", "$POOL_/24"]
sync_group = "director"

[[virtual_server]]
name = "echo"
address = "$VIP_:$PORT"
protocol = "tcp"
scheduler = "rr"
forwarding = "fullnat"
vrrp = "front"

[[virtual_server.real_server]]
address = "10.41.0.21:$PORT"

[[virtual_server.real_server]]
address = "10.41.0.22:$PORT"
EOF
    if [ "$1" = c ]; then
      cat <<EOF

[[sync_group]]
name = "director"
notify = { master = ["/bin/sh", "$W/conntrackd-primary.sh", "$W/conntrackd-$_d.conf"], master_wait = "3s" }
EOF
    fi
  } >"$W/$_d.conf"
}
# conntrackd's configuration for director-X (a|b) of pair c: FTFW over sync0; its own addresses
# ignored (lbd's adverts, the IPVS sync messages), the clients' connections to the VIP synced.
ct_config() {
  pair_vars c
  _me=1 _host=$HOST_
  [ "$1" = a ] || _me=2 _host=$((HOST_ + 1))
  cat >"$W/conntrackd-dc-$1.conf" <<EOF
Sync {
	Mode FTFW {
	}
	Multicast {
		IPv4_address 225.0.0.50
		Group 3780
		IPv4_interface 10.42.$VRID_.$_me
		Interface sync0
		Checksum on
	}
}
General {
	HashSize 8192
	HashLimit 65536
	LogFile $W/conntrackd-dc-$1.log
	Syslog off
	LockFile $W/conntrackd-dc-$1.lock
	UNIX {
		Path $W/conntrackd-dc-$1.ctl
	}
	NetlinkBufferSize 2097152
	NetlinkBufferSizeMaxGrowth 8388608
	Filter From Userspace {
		Address Ignore {
			IPv4_address 127.0.0.1
			IPv4_address 10.40.0.$_host
			IPv4_address 10.42.$VRID_.1
			IPv4_address 10.42.$VRID_.2
		}
	}
}
EOF
}
# The new MASTER's hook (keepalived's primary-backup.sh "primary"): commit the external cache to the
# kernel, flush both caches, resync the internal cache from the kernel, send a bulk update.
cat >"$W/conntrackd-primary.sh" <<EOF
conf=\$1
log=$W/conntrackd-primary.log
echo "\$(cut -d' ' -f1 /proc/uptime) hook \$*" >>"\$log"
for op in -c -f -R -B; do
  $CONNTRACKD -C "\$conf" \$op >>"\$log" 2>&1
  echo "\$(cut -d' ' -f1 /proc/uptime) conntrackd \$op: exit \$?" >>"\$log"
done
EOF
ct() { _d=$1; shift; kt_in "$_d" "$CONNTRACKD" -C "$W/conntrackd-$_d.conf" "$@"; }

# --- sessions ------------------------------------------------------------------------------------
# session.sh ID VIP PORT DIR: one connection through nc; sends "pre-ID", waits for DIR/go (at most
# 120 s) or the connection's end, sends "post-ID", waits for its echo (at most 15 s), writes the
# outcome (ok, reset: the connection ended, timeout) to DIR/result-ID and ends nc.
cat >"$W/session.sh" <<'EOF'
id=$1 d=$4
trap '' PIPE
rm -f "$d/in-$id" && mkfifo "$d/in-$id"
nc "$2" "$3" <"$d/in-$id" >"$d/out-$id" 2>"$d/err-$id" &
nc=$!
exec 3>"$d/in-$id"
echo "pre-$id" >&3
n=0
while [ ! -e "$d/go" ] && kill -0 $nc 2>/dev/null && [ $n -lt 1200 ]; do sleep 0.1; n=$((n + 1)); done
echo "post-$id" >&3
n=0 r=timeout
while [ $n -lt 150 ]; do
  if grep -qx "post-$id" "$d/out-$id"; then r=ok; break; fi
  kill -0 $nc 2>/dev/null || { r=reset; break; }
  sleep 0.1
  n=$((n + 1))
done
echo "$r $(cut -d' ' -f1 /proc/uptime)" >"$d/result-$id"
kill $nc 2>/dev/null
EOF
sessions_dir() { echo "$W/sessions-$1"; }
echoed() { # PAIR WORD: how many of the pair's connections have WORD-ID echoed
  _d=$(sessions_dir "$1") _k=0
  for _i in $(seq $N); do grep -qx "$2-$_i" "$_d/out-$_i" 2>/dev/null && _k=$((_k + 1)); done
  echo $_k
}
all_echoed() { [ "$(echoed "$1" "$2")" = $N ]; }
results() { cat "$(sessions_dir "$1")"/result-* 2>/dev/null | wc -l; }
all_results() { [ "$(results "$1")" = $N ]; }
holds() { ip -n "$1" -4 addr show dev eth0 2>/dev/null | grep -q "inet $2/"; }
# ipvs_conns DIRECTOR VIP: IPVS connections to VIP:PORT in the director's table (synced ones too).
ipvs_conns() { kt_in "$1" /usr/sbin/ipvsadm -Lnc 2>/dev/null | grep -c " $2:$PORT "; }
ipvs_conns_at_least() { [ "$(ipvs_conns "$1" "$2")" -ge "$3" ]; }
# ct_external DIRECTOR: entries to port PORT in conntrackd's external cache (what the peer synced).
ct_external() { ct "$1" -e 2>/dev/null | grep -c "dport=$PORT "; }
ct_external_at_least() { [ "$(ct_external "$1")" -ge "$2" ]; }
answers() { # VIP: a new connection echoes a line
  [ "$(echo probe | kt_in client timeout 5 nc "$1" $PORT 2>/dev/null | head -n 1)" = probe ]
}

# --- start ---------------------------------------------------------------------------------------
ct_config a
ct_config b
for d in a b; do
  spawn "conntrackd-dc-$d" "dc-$d" "$CONNTRACKD" -C "$W/conntrackd-dc-$d.conf"
done
for p in $PAIRS; do
  fo_config "$p" a 150
  fo_config "$p" b 100
done
T0=$(kt_now_cs)
for p in $PAIRS; do start_director "d$p-a"; done
for p in $PAIRS; do start_director "d$p-b"; done
for p in $PAIRS; do
  pair_vars "$p"
  kt_check "d$p-a holds $VIP_" kt_wait_for 60 holds "d$p-a" "$VIP_"
done
for d in a b; do
  kt_check "conntrackd runs on dc-$d" kt_wait_for 10 ct "dc-$d" -s
done
figure start_to_master_ms $((($(kt_now_cs) - T0) * 10))

# --- connections ---------------------------------------------------------------------------------
heading "$N connections through each pair's VIP to the echo service"
for p in $PAIRS; do
  pair_vars "$p"
  kt_wait_for 20 answers "$VIP_" || kt_fail "pair $p: no echo through $VIP_:$PORT"
  mkdir -p "$(sessions_dir "$p")"
  for i in $(seq $N); do spawn "session-$p-$i" client /bin/sh "$W/session.sh" "$i" "$VIP_" $PORT "$(sessions_dir "$p")"; done
done
for p in $PAIRS; do
  kt_check "pair $p: all $N connections echoed their first line" kt_wait_for 30 all_echoed "$p" pre
done
# The peers know what they will know: the sync daemon sends a connection once it has seen 3 packets
# (sync_threshold), buffered up to 2 s; conntrackd sends each state change.
for p in i c; do
  pair_vars "$p"
  kt_check "pair $p: d$p-b has the $N connections from the sync daemon" \
    kt_wait_for 20 ipvs_conns_at_least "d$p-b" "$VIP_" $N
done
kt_check "pair c: dc-b's conntrackd has the $N connections in its external cache" \
  kt_wait_for 20 ct_external_at_least dc-b $N
say "dc-a's conntrack entry of one connection, and what dc-b's conntrackd holds of it:"
kt_in dc-a cat /proc/net/nf_conntrack | grep "dport=$PORT " | head -n 1 | sed 's/^/     /'
ct dc-b -e | grep "dport=$PORT " | head -n 1 | sed 's/^/     /'
for p in $PAIRS; do say "d$p-b before the takeover: $(ipvs_conns "d$p-b" "$(pair_vars "$p"; echo "$VIP_")") IPVS connections"; done

# --- takeover ------------------------------------------------------------------------------------
heading "takeover: every director-a's lbd SIGKILLed and its eth0 down; then each connection sends a line"
T1=$(kt_now_cs)
for p in $PAIRS; do
  stop "lbd-d$p-a" KILL
  ip -n "d$p-a" link set eth0 down
done
say "director-a's down at $(up) s"
for p in $PAIRS; do
  pair_vars "$p"
  if wait_fast 30 holds "d$p-b" "$VIP_"; then
    figure "takeover_ms_$(label "$p")" $((($(kt_now_cs) - T1) * 10))
    : >"$(sessions_dir "$p")/go"
  else
    kt_fail "pair $p: d$p-b does not hold $VIP_ 30 s after the crash"
    : >"$(sessions_dir "$p")/go"
  fi
done
for p in $PAIRS; do
  kt_wait_for 30 all_results "$p" || kt_fail "pair $p: only $(results "$p") of $N connections have an outcome"
  _ok=$(cat "$(sessions_dir "$p")"/result-* 2>/dev/null | grep -c '^ok ')
  _reset=$(cat "$(sessions_dir "$p")"/result-* 2>/dev/null | grep -c '^reset ')
  figure "takeover_established_survived_$(label "$p")" "$_ok/$N"
  say "pair $p ($(label "$p")): $_ok of $N echoed their second line, $_reset ended (reset), $((N - _ok - _reset)) timed out"
  eval "SURVIVED_$p=$_ok"
done
# shellcheck disable=SC2154 # set by eval
if [ "$SURVIVED_c" -ge "$C_MIN" ]; then
  kt_pass "(c) $SURVIVED_c of $N connections survived with conntrackd (at least $C_MIN)"
else
  kt_fail "(c) only $SURVIVED_c of $N connections survived with conntrackd (at least $C_MIN expected)"
fi
say "dc-b's master hook:"
sed 's/^/     /' "$W/conntrackd-primary.log" 2>/dev/null
say "what dc-b's lbd logged about the takeover:"
grep -E 'sync group|MASTER|notify|hook' "$W/lbd-dc-b.log" | tail -n 8 | sed 's/^/     /'
for p in $PAIRS; do
  pair_vars "$p"
  kt_check "pair $p: a new connection through d$p-b echoes" kt_wait_for 20 answers "$VIP_"
done
for p in $PAIRS; do
  for i in $(seq $N); do stop "session-$p-$i"; done
done

echo "KTEST-FIGURES${FIGURES}"
if [ "$KT_FAILS" -ne 0 ]; then
  for f in lbd-dc-a lbd-dc-b conntrackd-dc-b; do echo "--- $f"; tail -n 30 "$W/$f.log"; done
fi
kt_finish

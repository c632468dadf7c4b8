# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh disable=SC1091
# kernel_fullnat_failover: what a VRRP takeover does to established FULLNAT connections.
#
# A FULLNAT connection lives in two tables of the director: IPVS's connection (client -> VIP:port
# -> real server) and conntrack's entry, whose reply tuple carries the source NAT binding (real
# server -> pool address:port) that nftables' `snat ... fully-random` chose. Four director pairs side
# by side on one segment, each with its own VIP, pool address, VRID and a link of its own between
# its two directors (sync0), all with the same real servers:
#   n (VIP .100, pool .201): no state sync;
#   i (VIP .101, pool .202): IPVS's sync daemon ([ipvs.sync_daemon] over sync0, following the VRRP
#     instance);
#   c (VIP .102, pool .203): the sync daemon and conntrackd (FTFW over sync0); the new MASTER's sync
#     group hook (notify.master with master_wait) commits conntrackd's external cache to the kernel
#     before lbd adds the VIPs;
#   u (VIP .103, pool .204): the same hook without master_wait, so it runs after the VIPs are added.
# N long-lived TCP connections per pair from the client to a line-echo service (busybox nc -ll -e
# cat on port 7000 of rs1 and rs2) each send a line before the takeover; then every director-a's lbd
# is SIGKILLed and its eth0 taken down, and once director-b holds the pair's VIP each connection
# sends a second line (u's the moment its VIP is there, racing the hook). FIGUREs per pair: the
# connections that got the second line echoed (takeover_established_survived_*), the packets that
# left director-b with a new conntrack entry, so a new SNAT binding (takeover_new_conntrack_entries_*),
# for c and u the connections whose SNAT binding in director-b's table after the takeover is the one
# director-a chose (takeover_snat_binding_kept_*: what the commit put there, even where a connection
# had already been reset); and the resets the real servers sent (takeover_real_server_resets).
# Measured: n 0 and i 0 of 20 (i: the synced IPVS connection sends the packet to the right real
# server, but from a new source port: the real server answers with a reset); c 20 of 20; u racy
# (0 or 20 of 20, the hook under TCG takes 0.1-1.1 s). Checked: every connection echoed its first
# line; c keeps at least C_MIN of N; new connections through every pair work after the takeover.
# No state sync for IPv6 here (conntrackd's IPv6 works the same way).
# shellcheck disable=SC2034 # read by e2e-lib.sh
E2E_MODE=nat
. "$KT_DIR/e2e-lib.sh"
CONNTRACKD=/usr/local/bin/conntrackd
for tool in "$LBD" "$LBCTL" /usr/sbin/nft "$CONNTRACKD"; do
  [ -x "$tool" ] || kt_die "$tool is missing from the guest"
done
FIGURES=''
figure() {
  echo "FIGURE $1 $2"
  FIGURES="$FIGURES $1=$2"
}
up() { cut -d' ' -f1 /proc/uptime; }

N=20
C_MIN=$N # the least (c) must keep
PORT=7000
PAIRS='n i c u'
ADVERT_INTERVAL=1s
# How long c's new MASTER holds its VIPs for the hook. `conntrackd -c` took 0.1-1.1 s in an idle
# guest, 5 s in one starved by polling sessions (then 3 s let the VIPs come before the commit).
MASTER_WAIT=10s
# pair_vars PAIR: VIP_, POOL_, VRID_, HOST_ (director-a's last octet; director-b's is one more).
pair_vars() {
  case $1 in
    n) VIP_=10.40.0.100 POOL_=10.41.0.201 VRID_=61 HOST_=11 ;;
    i) VIP_=10.40.0.101 POOL_=10.41.0.202 VRID_=62 HOST_=13 ;;
    c) VIP_=10.40.0.102 POOL_=10.41.0.203 VRID_=63 HOST_=15 ;;
    u) VIP_=10.40.0.103 POOL_=10.41.0.204 VRID_=64 HOST_=17 ;;
  esac
}
label() {
  case $1 in n) echo nosync ;; i) echo ipvs_sync ;; c) echo conntrackd ;; u) echo conntrackd_unordered ;; esac
}

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
  if ! ip -n "d$p-a" addr add "10.42.$VRID_.1/24" dev sync0 ||
    ! ip -n "d$p-b" addr add "10.42.$VRID_.2/24" dev sync0; then
    kt_die "addresses on the sync link of pair $p"
  fi
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
    case $1 in c | u)
      printf '\n[[sync_group]]\nname = "director"\n'
      printf 'notify = { master = ["/bin/sh", "%s", "%s"]%s }\n' "$W/conntrackd-primary.sh" "$W/conntrackd-$_d.conf" \
        "$([ "$1" = u ] || echo ", master_wait = \"$MASTER_WAIT\"")" ;;
    esac
  } >"$W/$_d.conf"
}
# ct_config PAIR a|b: conntrackd's configuration for the director: FTFW over sync0; its own
# addresses ignored (lbd's adverts, the IPVS sync messages), the clients' connections to the VIP
# synced.
ct_config() {
  pair_vars "$1"
  _me=1 _host=$HOST_ _ctd=d$1-$2
  [ "$2" = a ] || _me=2 _host=$((HOST_ + 1))
  cat >"$W/conntrackd-$_ctd.conf" <<EOF
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
	LogFile $W/conntrackd-$_ctd.log
	Syslog off
	LockFile $W/conntrackd-$_ctd.lock
	UNIX {
		Path $W/conntrackd-$_ctd.ctl
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
# kernel (-c), which must be done before the VIPs come (the hook's exit releases them); then, not
# waited for, flush both caches (-f), resync the internal cache from the kernel (-R) and send a bulk
# update to the peer (-B).
cat >"$W/conntrackd-primary.sh" <<EOF
conf=\$1 log=\${1%.conf}-primary.log
stamp() { echo "\$(cut -d' ' -f1 /proc/uptime) \$*" >>"\$log"; }
stamp "hook \$*"
$CONNTRACKD -C "\$conf" -c >>"\$log" 2>&1
stamp "conntrackd -c: exit \$?"
(
  for op in -f -R -B; do
    $CONNTRACKD -C "\$conf" \$op >>"\$log" 2>&1
    stamp "conntrackd \$op: exit \$?"
  done
) </dev/null >/dev/null 2>&1 &
EOF
ct() { _d=$1; shift; kt_in "$_d" "$CONNTRACKD" -C "$W/conntrackd-$_d.conf" "$@"; }

# --- sessions ------------------------------------------------------------------------------------
# session.sh ID VIP PORT DIR: one connection through nc, driven through FIFOs (blocking reads with
# deadlines, no polling: 60 sessions polling would starve the TCG guest). Sends "pre-ID" and waits
# for its echo (then DIR/pre-ID exists), waits for a line on DIR/go (at most 180 s), sends
# "post-ID", waits for its echo (at most 15 s) and writes the outcome to DIR/result-ID: ok; closed
# (the connection ended: nc read EOF, after a reset); timeout (no answer); then ends nc.
cat >"$W/session.sh" <<'EOF'
id=$1 d=$4
trap '' PIPE
rm -f "$d/in-$id" "$d/out-$id" && mkfifo "$d/in-$id" "$d/out-$id" || exit 1
nc "$2" "$3" <"$d/in-$id" >"$d/out-$id" 2>"$d/err-$id" &
nc=$!
exec 3>"$d/in-$id" 5<"$d/out-$id" 4<>"$d/go"
echo "pre-$id" >&3
read -t 30 -r line <&5 && [ "$line" = "pre-$id" ] && : >"$d/pre-$id"
read -t 180 -r _ <&4
echo "post-$id" >&3
t0=$(cut -d. -f1 /proc/uptime)
if read -t 15 -r line <&5; then
  if [ "$line" = "post-$id" ]; then r=ok; else r="wrong:$line"; fi
elif [ $(($(cut -d. -f1 /proc/uptime) - t0)) -lt 14 ]; then
  r=closed
else
  r=timeout
fi
echo "$r $(cut -d' ' -f1 /proc/uptime)" >"$d/result-$id"
kill $nc 2>/dev/null
EOF
sessions_dir() { echo "$W/sessions-$1"; }
count() { find "$(sessions_dir "$1")" -name "$2-*" 2>/dev/null | wc -l; }
all_echoed() { [ "$(count "$1" pre)" = $N ]; }
# go PAIR: releases the pair's sessions (one line each on the FIFO they hold open).
go() { for _ in $(seq $N); do echo go; done >"$(sessions_dir "$1")/go"; }
results() { count "$1" result; }
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
for d in dc-a dc-b du-a du-b; do
  ct_config "$(echo "$d" | cut -c2)" "${d#*-}"
  spawn "conntrackd-$d" "$d" "$CONNTRACKD" -C "$W/conntrackd-$d.conf"
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
for d in dc-a dc-b du-a du-b; do
  kt_check "conntrackd runs on $d" kt_wait_for 10 ct "$d" -s
done
figure start_to_master_ms $((($(kt_now_cs) - T0) * 10))

# --- connections ---------------------------------------------------------------------------------
heading "$N connections through each pair's VIP to the echo service"
for p in $PAIRS; do
  pair_vars "$p"
  kt_wait_for 20 answers "$VIP_" || kt_fail "pair $p: no echo through $VIP_:$PORT"
  mkdir -p "$(sessions_dir "$p")"
  mkfifo "$(sessions_dir "$p")/go" || kt_die "mkfifo"
  for i in $(seq $N); do
    spawn "session-$p-$i" client /bin/sh "$W/session.sh" "$i" "$VIP_" $PORT "$(sessions_dir "$p")"
  done
done
for p in $PAIRS; do
  kt_check "pair $p: all $N connections echoed their first line" kt_wait_for 30 all_echoed "$p" pre
done
# The peers know what they will know: the sync daemon sends a connection once it has seen 3 packets
# (sync_threshold), buffered up to 2 s; conntrackd sends each state change.
for p in i c u; do
  pair_vars "$p"
  kt_check "pair $p: d$p-b has the $N connections from the sync daemon" \
    kt_wait_for 20 ipvs_conns_at_least "d$p-b" "$VIP_" $N
done
for p in c u; do
  kt_check "pair $p: d$p-b's conntrackd has the $N connections in its external cache" \
    kt_wait_for 20 ct_external_at_least "d$p-b" $N
done
# sport_of PAIR: the client port of the first connection in director-a's conntrack table.
sport_of() {
  sed -n "s/.*src=10.40.0.2 dst=[0-9.]* sport=\([0-9]*\) dport=$PORT .*/\1/p" "$W/ct-$1.before" | head -n 1
}
for p in i c u; do kt_in "d$p-a" cat /proc/net/nf_conntrack | grep "ESTABLISHED.* dport=$PORT " >"$W/ct-$p.before"; done
# snat PAIR a|b: "CLIENT_PORT POOL_ADDRESS:PORT" of each connection in the file of the pair's
# director-a (before) or director-b (after): the SNAT binding in the reply tuple.
snat() {
  awk '{ n = 0; for (i = 1; i <= NF; i++) { if ($i ~ /^sport=/ && ++n == 1) s = substr($i, 7)
    if ($i ~ /^dst=/) l = substr($i, 5); if ($i ~ /^dport=/) d = substr($i, 7) } print s, l ":" d }' "$W/ct-$1.$2"
}
# bindings_kept PAIR: "K/M": of the M connections in director-a's table that director-b's has, K
# with the same SNAT binding.
bindings_kept() {
  snat "$1" before >"$W/snat-$1.before"
  snat "$1" after | awk 'NR == FNR { a[$1] = $2; next } ($1 in a) { m++; if (a[$1] == $2) k++ }
    END { print k + 0 "/" m + 0 }' "$W/snat-$1.before" -
}
say "one connection in director-a's conntrack table (the reply tuple holds the SNAT binding):"
for p in i c u; do grep "sport=$(sport_of "$p") dport=$PORT " "$W/ct-$p.before" | sed "s/^/     d$p-a: /"; done
say "the same connection in dc-b's conntrackd external cache:"
ct dc-b -e | grep "sport=$(sport_of c) dport=$PORT " | sed 's/^/     /'
for p in $PAIRS; do
  pair_vars "$p"
  say "d$p-b before the takeover: $(ipvs_conns "d$p-b" "$VIP_") IPVS connections"
done

# A counter on director-b of pairs i, c and u: packets to the echo service that leave with a new
# conntrack entry (so with a new SNAT binding: fully-random picks a new port); and the resets the
# real servers sent (to connections they do not know; pair n's packets never reach them).
for p in i c u; do
  printf 'table inet probe {\n chain post {\n  type filter hook postrouting priority 300;\n  %s\n }\n}\n' \
    "tcp dport $PORT ct state new counter" | kt_in "d$p-b" /usr/sbin/nft -f - || kt_fail "the probe table on d$p-b"
done
new_entries() {
  kt_in "d$1-b" /usr/sbin/nft list chain inet probe post | sed -n 's/.*counter packets \([0-9]*\).*/\1/p'
}
rs_resets() { # the real servers' Tcp OutRsts
  for _n in 1 2; do kt_in rs$_n cat /proc/net/snmp; done |
    awk '$1 == "Tcp:" && $2 ~ /^[0-9]+$/ {s += $15} END {print s + 0}'
}
RSTS0=$(rs_resets)
say "memory: $(grep MemAvailable /proc/meminfo | tr -s ' ');" \
  "dc-a's lbd: $(grep VmRSS "/proc/$(pid_of lbd-dc-a)/status" | tr -s ' \t' ' ')"

# --- takeover ------------------------------------------------------------------------------------
heading "takeover: every director-a's lbd SIGKILLed and its eth0 down; then each connection sends a line"
T1=$(kt_now_cs)
for p in $PAIRS; do kill -KILL "$(pid_of "lbd-d$p-a")"; done
for p in $PAIRS; do ip -n "d$p-a" link set eth0 down; done
say "every director-a's lbd SIGKILLed and eth0 down at $(up) s"
for p in $PAIRS; do stop "lbd-d$p-a" KILL; done
# u first: its sessions go as soon as its VIP is there, racing the hook that runs after it.
for p in u c i n; do
  pair_vars "$p"
  wait_fast 30 holds "d$p-b" "$VIP_" || kt_fail "pair $p: d$p-b does not hold $VIP_ 30 s after the crash"
  figure "takeover_ms_$(label "$p")" $((($(kt_now_cs) - T1) * 10))
  go "$p"
done
for p in $PAIRS; do
  kt_wait_for 30 all_results "$p" || kt_fail "pair $p: only $(results "$p") of $N connections have an outcome"
  _out=$(cut -d' ' -f1 "$(sessions_dir "$p")"/result-* 2>/dev/null | sort | uniq -c | tr -s ' \n' ' ')
  _ok=$(cut -d' ' -f1 "$(sessions_dir "$p")"/result-* 2>/dev/null | grep -cx ok)
  figure "takeover_established_survived_$(label "$p")" "$_ok/$N"
  say "pair $p ($(label "$p")): $_ok of $N echoed their second line; outcomes:$_out"
  if [ "$p" != n ]; then
    kt_in "d$p-b" cat /proc/net/nf_conntrack | grep "dport=$PORT " >"$W/ct-$p.after"
    [ "$p" = i ] || figure "takeover_snat_binding_kept_$(label "$p")" "$(bindings_kept "$p")"
    figure "takeover_new_conntrack_entries_$(label "$p")" "$(new_entries "$p")"
  fi
  eval "SURVIVED_$p=$_ok"
done
# shellcheck disable=SC2154 # set by eval
if [ "$SURVIVED_c" -ge "$C_MIN" ]; then
  kt_pass "(c) $SURVIVED_c of $N connections survived with conntrackd (at least $C_MIN)"
else
  kt_fail "(c) only $SURVIVED_c of $N connections survived with conntrackd (at least $C_MIN expected)"
fi
figure takeover_real_server_resets $(($(rs_resets) - RSTS0))
for p in c u; do
  say "d$p-b's master hook, and what its lbd logged about the takeover:"
  sed 's/^/     /' "$W/conntrackd-d$p-b-primary.log" 2>/dev/null
  grep -E 'sync group|MASTER|notify|hook|VIPs' "$W/lbd-d$p-b.log" | tail -n 5 | sed 's/^/     /'
done
for p in $PAIRS; do
  pair_vars "$p"
  kt_check "pair $p: a new connection through d$p-b echoes" kt_wait_for 20 answers "$VIP_"
done
say "the connections shown above in the new MASTERs' conntrack tables right after (i's is gone):"
for p in c u; do grep "sport=$(sport_of "$p") dport=$PORT " "$W/ct-$p.after" | sed "s/^/     d$p-b: /"; done

echo "KTEST-FIGURES${FIGURES}"
if [ "$KT_FAILS" -ne 0 ]; then
  for f in lbd-dc-a lbd-dc-b conntrackd-dc-b; do echo "--- $f"; tail -n 30 "$W/$f.log"; done
fi
kt_finish

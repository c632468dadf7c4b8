#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Kernel-tier test of lbd's IPVS client, run by busybox sh inside a QEMU guest with real IPVS.
# Drives /usr/local/bin/lbd-ipvs and checks what the kernel holds with the real ipvsadm: round trip
# of every scheduler, forwarding method and tunnel type, protocol, family, fwmark and persistence;
# listing identical to `ipvsadm -Ln`; reconcile next to foreign services and after drift; zero write
# operations when the kernel already matches; batching; timeouts; sync daemon.
# Prints "PASS name" / "FAIL name reason" lines; exits non-zero if anything failed.
#
# Kernel modules this script needs in the guest (the harness may read this line):
# lbd-kernel-test-modules: ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_lblc ip_vs_lblcr ip_vs_dh ip_vs_sh ip_vs_sed ip_vs_nq ip_vs_fo ip_vs_ovf ip_vs_mh ip_vs_pe_sip veth

IP=/usr/bin/ip
IPVSADM=/usr/sbin/ipvsadm
LBD=/usr/local/bin/lbd-ipvs
SCHEDULERS="rr wrr lc wlc lblc lblcr dh sh sed nq fo ovf mh"
W=/tmp/lbd-ipvs-test.$$
SYNC_A=lbdsa$$
SYNC_B=lbdsb$$
NS_C=lbdc$$
NS_R=lbdr$$
HTTPD_PID=
FAILS=0
OPS=

pass() { echo "PASS $1"; }
fail() {
  echo "FAIL $1 $2"
  FAILS=$((FAILS + 1))
}

cleanup() {
  [ -n "$HTTPD_PID" ] && kill "$HTTPD_PID" >/dev/null 2>&1
  $IP netns del "$NS_C" >/dev/null 2>&1
  $IP netns del "$NS_R" >/dev/null 2>&1
  $IPVSADM --stop-daemon master >/dev/null 2>&1
  $IPVSADM --stop-daemon backup >/dev/null 2>&1
  $IPVSADM -C >/dev/null 2>&1
  $IP link del "$SYNC_A" >/dev/null 2>&1
  rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

mkdir -p "$W" || exit 1
for tool in "$IP" "$IPVSADM" "$LBD"; do
  [ -x "$tool" ] || { fail tools "$tool is missing"; exit 1; }
done

# Scheduler and persistence-engine modules: loaded by the harness, or here if modprobe can.
for m in $SCHEDULERS; do
  [ -d /sys/module/ip_vs_$m ] || modprobe ip_vs_$m >/dev/null 2>&1
done
[ -d /sys/module/ip_vs_pe_sip ] || modprobe ip_vs_pe_sip >/dev/null 2>&1

# apply NAME FILE [ARGS]: runs lbd-ipvs apply; sets OPS to its number of write operations.
apply() {
  name=$1
  shift
  OPS=
  if ! $LBD apply "$@" >"$W/apply.out" 2>&1; then
    fail "$name" "lbd-ipvs apply $* failed: $(tr '\n' '|' <"$W/apply.out")"
    return 1
  fi
  OPS=$(sed -n 's/^write ops: \([0-9]*\) errors: 0$/\1/p' "$W/apply.out")
  [ -n "$OPS" ] || { fail "$name" "no 'write ops' line: $(tr '\n' '|' <"$W/apply.out")"; return 1; }
  return 0
}

# same_listing NAME [ipvsadm list options]: lbd-ipvs list must print exactly what ipvsadm -Ln prints.
# Counters can move between the two reads (the kernel folds its per-CPU counters into them every
# 2 s): the two are read again, for up to 5 s, until they agree.
same_listing() {
  name=$1
  shift
  tries=0
  while :; do
    $IPVSADM -Ln "$@" >"$W/want" 2>&1
    $LBD list "$@" >"$W/got" 2>&1
    cmp -s "$W/want" "$W/got" && break
    tries=$((tries + 1))
    [ $tries -lt 25 ] || break
    sleep 0.2
  done
  if cmp -s "$W/want" "$W/got"; then
    pass "$name"
  else
    fail "$name" "lbd-ipvs list $* differs from ipvsadm -Ln $*"
    echo "--- ipvsadm -Ln $*"
    cat "$W/want"
    echo "--- lbd-ipvs list $*"
    cat "$W/got"
  fi
}

# idempotent NAME FILE [ARGS]: a second apply must send nothing.
idempotent() {
  name=$1
  shift
  apply "$name" "$@" || return
  if [ "$OPS" = 0 ]; then pass "$name"; else fail "$name" "second apply sent $OPS write ops: $(tr '\n' '|' <"$W/apply.out")"; fi
}

expect_ops() {  # NAME WANT
  if [ "$OPS" = "$2" ]; then pass "$1"; else fail "$1" "expected $2 write ops, got '$OPS': $(tr '\n' '|' <"$W/apply.out")"; fi
}

contains() {  # NAME FILE TEXT
  if grep -qF -- "$3" "$2"; then pass "$1"; else fail "$1" "'$3' not found in: $(tr '\n' '|' <"$2")"; fi
}

$IPVSADM -C

# ---- info and the empty table ----
$LBD info >"$W/info" 2>&1
$IPVSADM -Ln | head -1 >"$W/info.want"
if cmp -s "$W/info" "$W/info.want"; then pass info; else fail info "$(cat "$W/info") vs $(cat "$W/info.want")"; fi
same_listing empty_listing

# ---- every scheduler ----
missing=
{
  echo '{"services": ['
  port=1000
  sep=
  for s in $SCHEDULERS; do
    if [ ! -d /sys/module/ip_vs_$s ]; then
      missing="$missing $s"
      continue
    fi
    printf '%s{"protocol": "tcp", "address": "192.0.2.10:%d", "scheduler": "%s", "destinations": [' "$sep" $port "$s"
    printf '{"address": "10.0.1.11:8080", "weight": 3}, {"address": "10.0.1.12:8080", "weight": 1}]}\n'
    sep=,
    port=$((port + 1))
  done
  echo ']}'
} >"$W/sched.json"
[ -z "$missing" ] && pass scheduler_modules || fail scheduler_modules "not loadable in this guest:$missing"
if apply scheduler_apply "$W/sched.json"; then pass scheduler_apply; fi
for s in $SCHEDULERS; do
  [ -d /sys/module/ip_vs_$s ] || continue
  if $IPVSADM -Ln | grep -q "^TCP  192.0.2.10:[0-9]* $s\$"; then pass "scheduler_$s"; else fail "scheduler_$s" "ipvsadm does not show a $s service"; fi
done
same_listing scheduler_listing
idempotent scheduler_zero_ops "$W/sched.json"
$IPVSADM -C

# ---- protocols, families, fwmark, persistence, flags ----
cat >"$W/kinds.json" <<'JSON'
{"services": [
 {"protocol": "tcp", "address": "192.0.2.20:80", "scheduler": "wlc", "flags": ["persistent"], "timeout": 300,
  "netmask": "255.255.255.0",
  "destinations": [{"address": "10.0.2.11:80", "forwarding": "masq", "weight": 5, "u_threshold": 100, "l_threshold": 10},
                   {"address": "10.0.2.12:80", "forwarding": "droute", "weight": 0},
                   {"address": "10.0.2.13:80", "forwarding": "tunnel", "tun_type": "ipip"},
                   {"address": "10.0.2.14:80", "forwarding": "tunnel", "tun_type": "gue", "tun_port": 6080, "tun_flags": ["csum"]},
                   {"address": "10.0.2.15:80", "forwarding": "tunnel", "tun_type": "gre", "tun_flags": ["csum"]}]},
 {"protocol": "udp", "address": "192.0.2.20:53", "scheduler": "rr", "flags": ["one-packet"],
  "destinations": [{"address": "10.0.2.11:53"}]},
 {"protocol": "sctp", "address": "192.0.2.20:9000", "scheduler": "sh", "flags": ["sh-fallback", "sh-port"],
  "destinations": [{"address": "10.0.2.11:9000", "forwarding": "droute"}]},
 {"protocol": "tcp", "address": "192.0.2.21:80", "scheduler": "mh", "flags": ["mh-fallback", "mh-port"],
  "destinations": [{"address": "10.0.2.11:80"}]},
 {"protocol": "tcp", "address": "192.0.2.22:0", "scheduler": "rr", "flags": ["persistent"], "timeout": 120,
  "destinations": [{"address": "10.0.2.11:0", "forwarding": "droute"}]},
 {"protocol": "tcp", "address": "[2001:db8::20]:443", "scheduler": "wrr", "flags": ["persistent"], "timeout": 60,
  "netmask": 64, "destinations": [{"address": "[2001:db8::11]:8443", "weight": 2},
                                  {"address": "[2001:db8::12]:8443", "forwarding": "tunnel", "tun_type": "gue", "tun_port": 7000}]},
 {"protocol": "udp", "address": "[2001:db8::20]:53", "scheduler": "lc", "destinations": [{"address": "[2001:db8::11]:53"}]},
 {"fwmark": 5, "scheduler": "rr", "destinations": [{"address": "10.0.2.11:0", "forwarding": "droute"}]},
 {"fwmark": 6, "family": "ipv6", "scheduler": "wlc", "flags": ["persistent"], "timeout": 30, "netmask": 96,
  "destinations": [{"address": "[2001:db8::11]:0", "forwarding": "droute"}]}
]}
JSON
apply kinds_apply "$W/kinds.json" && expect_ops kinds_apply 23
same_listing kinds_listing
same_listing kinds_listing_stats --stats
same_listing kinds_listing_rate --rate
$IPVSADM -Ln >"$W/plain"
contains flags_sh "$W/plain" "SCTP 192.0.2.20:9000 sh (sh-fallback,sh-port)"
contains flags_mh "$W/plain" "TCP  192.0.2.21:80 mh (mh-fallback,mh-port)"
contains persistence_v4_mask "$W/plain" "TCP  192.0.2.20:80 wlc persistent 300 mask 255.255.255.0"
contains one_packet "$W/plain" "UDP  192.0.2.20:53 rr ops"
contains persistence_v6_prefix "$W/plain" "TCP  [2001:db8::20]:443 wrr persistent 60 mask 64"
contains fwmark_v6 "$W/plain" "FWM  6 IPv6 wlc persistent 30 mask 96"
$IPVSADM -Ln --thresholds >"$W/thr"
contains thresholds "$W/thr" "  -> 10.0.2.11:80                 100        10"
$LBD dump-json >"$W/dump.json" 2>&1
contains tunnel_gue_readback "$W/dump.json" '"tun_port": 6080'
contains tunnel_gre_readback "$W/dump.json" '"tun_type": "gre"'
idempotent kinds_zero_ops "$W/kinds.json"

# ---- edit in place: only SETs, no delete and re-add ----
sed -e 's/"scheduler": "wlc", "flags": \["persistent"\], "timeout": 300/"scheduler": "rr", "flags": ["persistent"], "timeout": 600/' \
  -e 's/"weight": 5, "u_threshold": 100/"weight": 7, "u_threshold": 200/' \
  -e 's/"10.0.2.12:80", "forwarding": "droute"/"10.0.2.12:80", "forwarding": "masq"/' "$W/kinds.json" >"$W/edit.json"
apply edit_in_place "$W/edit.json" && expect_ops edit_in_place 3
if grep -q '^add \|^delete ' "$W/apply.out"; then fail edit_is_set_only "$(tr '\n' '|' <"$W/apply.out")"; else pass edit_is_set_only; fi
$IPVSADM -Ln >"$W/plain"
contains edit_scheduler "$W/plain" "TCP  192.0.2.20:80 rr persistent 600 mask 255.255.255.0"
contains edit_forwarding "$W/plain" "  -> 10.0.2.12:80                 Masq    0"
idempotent edit_zero_ops "$W/edit.json"

# ---- persistence engine (needs ip_vs_pe_sip) ----
cat >"$W/pe.json" <<'JSON'
{"services": [{"protocol": "udp", "address": "192.0.2.30:5060", "scheduler": "rr", "flags": ["persistent"],
  "timeout": 60, "pe": "sip", "destinations": [{"address": "10.0.3.11:5060"}]}]}
JSON
if apply pe_sip "$W/pe.json"; then
  $IPVSADM -Ln >"$W/plain"
  contains pe_sip "$W/plain" "UDP  192.0.2.30:5060 rr persistent 60 pe sip"
  idempotent pe_zero_ops "$W/pe.json"
fi
$LBD flush-owned "$W/pe.json" >/dev/null 2>&1

# ---- mixed family: IPv4 service, IPv6 tunnel destination ----
cat >"$W/mixed.json" <<'JSON'
{"services": [{"protocol": "tcp", "address": "192.0.2.40:80", "scheduler": "rr",
  "destinations": [{"address": "[2001:db8::40]:80", "forwarding": "tunnel", "tun_type": "ipip"}]}]}
JSON
apply mixed_family "$W/mixed.json" && expect_ops mixed_family 2
$LBD dump-json >"$W/dump.json" 2>&1
contains mixed_family_readback "$W/dump.json" '"address": "[2001:db8::40]:80"'
# One service read on its own (GET_SERVICE, then its destinations), as a pass of changes reads; a
# service the kernel does not have is simply absent.
cat >"$W/only.json" <<'JSON'
{"services": [{"protocol": "tcp", "address": "192.0.2.40:80", "scheduler": "rr"},
  {"protocol": "tcp", "address": "192.0.2.99:80", "scheduler": "rr"}]}
JSON
$LBD dump-json --only "$W/only.json" >"$W/only.out" 2>&1
contains scoped_read_destination "$W/only.out" '"address": "[2001:db8::40]:80"'
if [ "$(grep -c '"scheduler"' "$W/only.out")" = 1 ]; then
  pass scoped_read_one_service
else
  fail scoped_read_one_service "$(tr '\n' ' ' <"$W/only.out" | cut -c1-300)"
fi
idempotent mixed_family_zero_ops "$W/mixed.json"
$IPVSADM -C

# ---- a destination on a local address, and explicit local forwarding, read back as written ----
cat >"$W/local.json" <<'JSON'
{"services": [{"protocol": "tcp", "address": "192.0.2.60:80", "scheduler": "rr",
  "destinations": [{"address": "127.0.0.1:8080", "forwarding": "masq"}, {"address": "10.0.6.11:80", "forwarding": "local"}]}]}
JSON
apply local_dest "$W/local.json" && expect_ops local_dest 3
$IPVSADM -Ln >"$W/plain"
echo "INFO local destinations as ipvsadm shows them: $(grep -- '->' "$W/plain" | grep -v RemoteAddress | tr '\n' '|')"
idempotent local_dest_zero_ops "$W/local.json"
$IPVSADM -C

# ---- reconcile next to a foreign service, drift repair, reload, flush-owned ----
$IPVSADM -A -t 192.0.2.200:80 -s rr
$IPVSADM -a -t 192.0.2.200:80 -r 10.0.9.9:80 -m -w 4
cat >"$W/web.json" <<'JSON'
{"services": [{"protocol": "tcp", "address": "192.0.2.10:80", "scheduler": "wlc",
  "destinations": [{"address": "10.0.1.11:8080", "weight": 3}, {"address": "10.0.1.12:8080", "weight": 1},
                   {"address": "10.0.1.13:8080", "weight": 1}]}]}
JSON
$IPVSADM -Ln >"$W/foreign.before"
apply foreign_apply "$W/web.json" && expect_ops foreign_apply 4
$IPVSADM -Ln >"$W/plain"
contains foreign_untouched "$W/plain" "  -> 10.0.9.9:80                  Masq    4"
$IPVSADM -e -t 192.0.2.10:80 -r 10.0.1.11:8080 -m -w 9
$IPVSADM -d -t 192.0.2.10:80 -r 10.0.1.12:8080
$IPVSADM -E -t 192.0.2.10:80 -s rr
$IPVSADM -a -t 192.0.2.10:80 -r 10.0.1.99:8080 -m
apply drift_repair "$W/web.json" && expect_ops drift_repair 4
$IPVSADM -Ln >"$W/plain"
contains drift_scheduler "$W/plain" "TCP  192.0.2.10:80 wlc"
contains drift_weight "$W/plain" "  -> 10.0.1.11:8080               Masq    3"
if grep -q "10.0.1.99" "$W/plain"; then fail drift_extra_removed "10.0.1.99 still there"; else pass drift_extra_removed; fi
idempotent drift_zero_ops "$W/web.json"
$IPVSADM -D -t 192.0.2.10:80
apply after_flush_by_hand "$W/web.json" && expect_ops after_flush_by_hand 4
sed 's/192.0.2.10:80/192.0.2.10:81/' "$W/web.json" >"$W/web81.json"
apply reload_key_change "$W/web81.json" --previous "$W/web.json" && expect_ops reload_key_change 5
$IPVSADM -Ln >"$W/plain"
if grep -q "192.0.2.10:80 " "$W/plain"; then fail reload_old_removed "old service still there"; else pass reload_old_removed; fi
contains reload_new_added "$W/plain" "TCP  192.0.2.10:81 wlc"
$LBD flush-owned "$W/web81.json" >"$W/flush.out" 2>&1 || fail flush_owned "$(cat "$W/flush.out")"
$IPVSADM -Ln >"$W/plain"
if cmp -s "$W/plain" "$W/foreign.before"; then pass flush_owned_keeps_foreign; else fail flush_owned_keeps_foreign "table after flush differs from the foreign-only table"; fi
$IPVSADM -C

# ---- kernel errors become clear messages ----
cat >"$W/nosched.json" <<'JSON'
{"services": [{"protocol": "tcp", "address": "192.0.2.50:80", "scheduler": "nosuch"}]}
JSON
if $LBD apply "$W/nosched.json" >"$W/err.out" 2>&1; then
  fail missing_scheduler "apply succeeded"
else
  contains missing_scheduler "$W/err.out" "scheduler 'nosuch' is not available in this kernel (module ip_vs_nosuch)"
fi

# ---- batching: 200 services x 5 destinations in one apply, and in batches of 7 ----
{
  echo '{"services": ['
  i=0
  while [ $i -lt 200 ]; do
    [ $i -gt 0 ] && echo ','
    printf '{"protocol": "tcp", "address": "192.0.2.%d:%d", "scheduler": "rr", "destinations": [' $((i / 100 + 100)) $((2000 + i))
    j=1
    while [ $j -le 5 ]; do
      [ $j -gt 1 ] && printf ', '
      printf '{"address": "10.1.%d.%d:80", "weight": %d}' $((i / 200)) $j $j
      j=$((j + 1))
    done
    printf ']}'
    i=$((i + 1))
  done
  echo ']}'
} >"$W/big.json"
apply batch_1200_ops "$W/big.json" && expect_ops batch_1200_ops 1200
n=$($IPVSADM -Ln | grep -c '^TCP ')
[ "$n" = 200 ] && pass batch_services_present || fail batch_services_present "ipvsadm shows $n services"
n=$($IPVSADM -Ln | grep -c '^  -> 10.1.')
[ "$n" = 1000 ] && pass batch_dests_present || fail batch_dests_present "ipvsadm shows $n destinations"
same_listing batch_listing
idempotent batch_zero_ops "$W/big.json"
$IPVSADM -C
apply batch_of_7 --batch 7 "$W/big.json" && expect_ops batch_of_7 1200
n=$($IPVSADM -Ln | grep -c '^  -> 10.1.')
[ "$n" = 1000 ] && pass batch_of_7_present || fail batch_of_7_present "ipvsadm shows $n destinations"
$IPVSADM -C

# ---- a receive buffer too small for the acknowledgements: bounded, reported, repaired next pass ----
t0=$(cut -d' ' -f1 /proc/uptime)
$LBD --rcvbuf 4096 --timeout-ms 3000 apply "$W/big.json" >"$W/enobufs.out" 2>&1
rc=$?
t1=$(cut -d' ' -f1 /proc/uptime)
echo "INFO enobufs run: rc=$rc in $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}')s; $(grep -c 'acknowledgement was lost' "$W/enobufs.out") ops with lost acknowledgements"
if [ $rc -ne 0 ] && ! grep -q 'acknowledgement was lost' "$W/enobufs.out"; then
  fail enobufs_reported "failed without naming lost acknowledgements: $(tail -3 "$W/enobufs.out" | tr '\n' '|')"
else
  pass enobufs_reported
fi
apply enobufs_repair "$W/big.json" && pass enobufs_repair
idempotent enobufs_zero_ops "$W/big.json"
$IPVSADM -C

# ---- figures (information only): 1200 write ops batched, one per sendmsg (wait for every ack), ipvsadm -R ----
apply_ms() { sed -n 's/^apply time: \([0-9.]*\) ms$/\1/p' "$W/apply.out"; }
batched=
single=
for round in 1 2 3; do
  apply timing_batched "$W/big.json" && batched="$batched $(apply_ms)"
  $IPVSADM -C
  apply timing_single --batch 1 "$W/big.json" && single="$single $(apply_ms)"
  [ $round -lt 3 ] && $IPVSADM -C
done
$IPVSADM -S -n >"$W/rules"
$IPVSADM -C
t0=$(cut -d' ' -f1 /proc/uptime)
$IPVSADM -R <"$W/rules"
restore=$(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN{printf "%.0f", (b-a)*1000}')
echo "INFO 1200 write ops in the TCG guest: lbd-ipvs batched${batched} ms, lbd-ipvs one request per sendmsg${single} ms, ipvsadm -R ${restore} ms (whole process)"
$IPVSADM -C

# ---- traffic through a service lbd-ipvs programmed; counters read back like ipvsadm's ----
traffic() {
  $IP netns add "$NS_C" && $IP netns add "$NS_R" || return 1
  $IP link add lbdc$$ type veth peer name eth0 netns "$NS_C" || return 1
  $IP link add lbdr$$ type veth peer name eth0 netns "$NS_R" || return 1
  $IP addr add 10.77.1.1/24 dev lbdc$$ && $IP addr add 10.77.1.100/32 dev lbdc$$ && $IP addr add 10.77.2.1/24 dev lbdr$$
  $IP link set lbdc$$ up && $IP link set lbdr$$ up
  $IP -n "$NS_C" addr add 10.77.1.2/24 dev eth0 && $IP -n "$NS_C" link set eth0 up && $IP -n "$NS_C" link set lo up
  $IP -n "$NS_R" addr add 10.77.2.2/24 dev eth0 && $IP -n "$NS_R" link set eth0 up && $IP -n "$NS_R" link set lo up
  $IP -n "$NS_C" route add default via 10.77.1.1 && $IP -n "$NS_R" route add default via 10.77.2.1 || return 1
  echo 1 >/proc/sys/net/ipv4/ip_forward
  mkdir -p "$W/www" && echo LBDRS >"$W/www/index.html"
  $IP netns exec "$NS_R" /bin/busybox httpd -f -p 10.77.2.2:80 -h "$W/www" &
  HTTPD_PID=$!
  return 0
}
cat >"$W/traffic.json" <<'JSON'
{"services": [{"protocol": "tcp", "address": "10.77.1.100:80", "scheduler": "rr",
  "destinations": [{"address": "10.77.2.2:80", "forwarding": "masq"}]}]}
JSON
if ! traffic; then
  fail traffic_setup "could not build the client and real-server namespaces"
elif apply traffic_apply "$W/traffic.json"; then
  got=
  i=0
  while [ $i -lt 50 ]; do  # the server may need a moment to listen: retry for up to 10 s
    got=$($IP netns exec "$NS_C" timeout 5 /bin/busybox wget -q -O - http://10.77.1.100/ 2>/dev/null)
    [ "$got" = LBDRS ] && break
    sleep 0.2
    i=$((i + 1))
  done
  if [ "$got" = LBDRS ]; then pass traffic_through_ipvs; else fail traffic_through_ipvs "no answer through the VIP"; fi
  $IP netns exec "$NS_C" timeout 5 /bin/busybox wget -q -O - http://10.77.1.100/ >/dev/null 2>&1
  $IP netns exec "$NS_C" timeout 5 /bin/busybox wget -q -O - http://10.77.1.100/ >/dev/null 2>&1
  # The kernel folds per-CPU counters into what netlink reports every 2 s: poll, bounded.
  i=0
  while [ $i -lt 50 ]; do
    $IPVSADM -Ln --stats | grep -q '^TCP  10.77.1.100:80  *[1-9]' && break
    sleep 0.2
    i=$((i + 1))
  done
  same_listing traffic_listing
  same_listing traffic_listing_stats --stats
  $LBD dump-json >"$W/dump.json" 2>&1
  if grep -q '"conns": [1-9]' "$W/dump.json" && grep -q '"inactive": [1-9]' "$W/dump.json"; then
    pass traffic_counters_read
  else
    fail traffic_counters_read "no connection counters in: $(tr '\n' ' ' <"$W/dump.json")"
  fi
  $LBD flush-owned "$W/traffic.json" >/dev/null 2>&1
fi
[ -n "$HTTPD_PID" ] && kill "$HTTPD_PID" >/dev/null 2>&1
HTTPD_PID=
$IP netns del "$NS_C" >/dev/null 2>&1
$IP netns del "$NS_R" >/dev/null 2>&1

# ---- timeouts ----
if $LBD config set --tcp 901 --tcp-fin 121 --udp 301 >"$W/cfg.out" 2>&1; then
  $IPVSADM -L --timeout >"$W/want"
  contains timeouts_set "$W/want" "Timeout (tcp tcpfin udp): 901 121 301"
  $LBD config get >"$W/got" 2>&1
  if cmp -s "$W/want" "$W/got"; then pass timeouts_get; else fail timeouts_get "$(cat "$W/got")"; fi
else
  fail timeouts_set "$(cat "$W/cfg.out")"
fi
$IPVSADM --set 900 120 300

# ---- sync daemon ----
$IP link add "$SYNC_A" type veth peer name "$SYNC_B" && $IP link set "$SYNC_A" up && $IP link set "$SYNC_B" up
if $LBD daemon start master --ifname "$SYNC_A" --sync-id 51 >"$W/d.out" 2>&1 &&
  $LBD daemon start backup --ifname "$SYNC_B" --sync-id 52 --group 239.1.2.3 --port 8850 --ttl 2 >>"$W/d.out" 2>&1; then
  $IPVSADM -L --daemon >"$W/want"
  $LBD daemon show >"$W/got" 2>&1
  contains daemon_master "$W/want" "master sync daemon (mcast=$SYNC_A, syncid=51"
  contains daemon_backup "$W/want" "backup sync daemon (mcast=$SYNC_B, syncid=52"
  contains daemon_backup_group "$W/want" "group=239.1.2.3, port=8850"
  if cmp -s "$W/want" "$W/got"; then pass daemon_show; else fail daemon_show "lbd-ipvs: $(tr '\n' '|' <"$W/got") ipvsadm: $(tr '\n' '|' <"$W/want")"; fi
  if $LBD daemon start master --ifname "$SYNC_A" --sync-id 51 >"$W/d2.out" 2>&1; then
    fail daemon_twice "second start succeeded"
  else
    contains daemon_twice "$W/d2.out" "already running"
  fi
  $LBD daemon stop master >"$W/d.out" 2>&1 && $LBD daemon stop backup >>"$W/d.out" 2>&1 || fail daemon_stop "$(cat "$W/d.out")"
  $IPVSADM -L --daemon >"$W/want"
  [ -s "$W/want" ] && fail daemon_stopped "$(cat "$W/want")" || pass daemon_stopped
else
  fail daemon_start "$(tr '\n' '|' <"$W/d.out")"
fi

echo "lbd-ipvs guest test: $FAILS failure(s)"
[ "$FAILS" -eq 0 ]

# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# guest-bench.sh: the IPVS benchmark, run by busybox sh inside the kernel-test guest (real IPVS).
# lbd-ipvs, keepalived (checker process only, no health checks) and ipvsadm program the same
# synthetic tables (gen-table.awk); every timed run starts from a cold IPVS (modules reloaded).
#
# Parameters come from /ktest/bench-params.sh (written by bench/ipvs/CMakeLists.txt):
#   SIZES="1000x10 10000x10"  tables for the cold-apply race (services x destinations)
#   REPS=3                    repetitions; figures are medians
#   BIG=10000x10              table for the change, snapshot and memory figures (one of SIZES)
#   ENFORCE=1                 fail when a target is missed (the full bench); 0 only reports (smoke)
#
# Result lines the host wrapper collects, all starting with "BENCH ":
#   BENCH cold_apply 10000x10 lbd=2.31s keepalived=11.10s ipvsadm_R=38.30s lbd/keepalived=0.21 ...
# Pitfall: destinations deleted from IPVS wait on a trash list for about two minutes and every
# add scans it, so flushing between runs is not enough: the modules are unloaded and reloaded.
# shellcheck disable=SC1091 # the guest helpers, tests/kernel/harness/guest-lib.sh
. /usr/lib/ktest/lib.sh

LBD=/usr/local/bin/lbd-ipvs
KA=/usr/local/bin/keepalived
IPVSADM=/usr/sbin/ipvsadm
W=/tmp/bench
SIZES="50x4"
REPS=1
BIG=50x4
ENFORCE=0
# shellcheck source=/dev/null
[ -f "$KT_DIR/bench-params.sh" ] && . "$KT_DIR/bench-params.sh"

for tool in "$LBD" "$KA" "$IPVSADM"; do
  [ -x "$tool" ] || kt_die "$tool is missing from the guest"
done
mkdir -p "$W" /run/keepalived /etc/keepalived /var/run || kt_die "work directories"

bench() { echo "BENCH $*"; }

# median of the numbers on stdin (one a line); the lower middle for an even count.
median() { sort -n | awk '{v[NR] = $1} END {if (NR) print v[int((NR + 1) / 2)]}'; }

# ratio A B: A/B with two decimals (n/a when B is 0).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "n/a"}'; }

# seconds since boot with centisecond resolution (as a decimal string)
uptime_s() { cut -d' ' -f1 /proc/uptime; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f\n", b - a}'; }

# entries S D: lines /proc/net/ip_vs has once S services with D destinations each are programmed.
entries() { echo $((3 + $1 + $1 * $2)); }
ipvs_lines() { wc -l </proc/net/ip_vs; }

# cold_ipvs: unload every ip_vs module (schedulers and other users first) and load ip_vs and the
# scheduler again, so that no run inherits the trash list or the hash tables of the previous one.
# The services hold their scheduler module, so they are flushed first.
cold_ipvs() {
  [ -d /sys/module/ip_vs ] && { "$IPVSADM" -C || kt_die "ipvsadm -C"; }
  for m in $(awk '$1 ~ /^ip_vs_/ {print $1}' /proc/modules) ip_vs; do
    [ -d "/sys/module/$m" ] || continue
    kt_wait_for 30 rmmod "$m" 2>/dev/null || kt_die "rmmod $m"
  done
  modprobe ip_vs || kt_die "modprobe ip_vs"
  modprobe ip_vs_wlc || kt_die "modprobe ip_vs_wlc"
  [ "$(ipvs_lines)" -eq 3 ] || kt_die "IPVS is not empty after reloading ip_vs"
}

# gen S D FORMAT [bump]: path of the generated table file.
gen() {
  _f=$W/table-$1x$2${4:+-bump}.$3
  [ -f "$_f" ] || awk -v services="$1" -v dests="$2" -v format="$3" -v bump="${4:-0}" \
    -f "$KT_DIR/gen-table.awk" >"$_f" || kt_die "generating $_f"
  echo "$_f"
}

# last_service_full VIP D: the last service of the table holds all its D destinations. keepalived
# programs services in configuration order, so this is the cheap "done?" probe; the full count
# is checked afterwards.
last_service_full() {
  [ "$("$IPVSADM" -Ln -t "$1:80" 2>/dev/null | grep -c '^  -> [0-9]')" -eq "$2" ]
}

# run_lbd S D: cold apply with lbd-ipvs; sets T (wall seconds), LBD_MS (its own apply time) and
# LBD_OPS.
run_lbd() {
  _json=$(gen "$1" "$2" json)
  _t0=$(uptime_s)
  "$LBD" apply --quiet "$_json" >"$W/lbd.out" 2>&1 || kt_die "lbd-ipvs apply $1x$2: $(tail -n 3 "$W/lbd.out")"
  T=$(elapsed "$_t0" "$(uptime_s)")
  LBD_OPS=$(sed -n 's/^write ops: \([0-9]*\) errors: 0$/\1/p' "$W/lbd.out")
  LBD_MS=$(awk '$2 == "time:" {t += $3} END {print t}' "$W/lbd.out")
  [ "$LBD_OPS" = $(($1 + $1 * $2)) ] || kt_die "lbd-ipvs apply $1x$2: $LBD_OPS write ops"
  [ "$(ipvs_lines)" -eq "$(entries "$1" "$2")" ] || kt_die "lbd-ipvs apply $1x$2: kernel incomplete"
}

# mem PID: "VmHWM VmRSS RssAnon" of PID in kB.
mem() {
  awk '$1 == "VmHWM:" {h = $2} $1 == "VmRSS:" {r = $2} $1 == "RssAnon:" {a = $2} END {print h, r, a}' "/proc/$1/status"
}

# run_keepalived S D: keepalived's checker process programs the table; timed from the start of
# keepalived until the kernel holds every entry. Sets T and KA_MEM (mem of the checker process).
# -I: do not remove the IPVS entries at exit (that would take as long as adding them);
# -R: no respawn; -n: foreground. Small tables log to the console (-l -D); for big ones that
# would time the serial console (a line per service), so they do not log at all (-G: no syslog).
run_keepalived() {
  _conf=$(gen "$1" "$2" keepalived)
  _last=$(awk -v i=$(($1 - 1)) 'BEGIN {printf "10.%d.%d.%d", 1 + int(i / 65536), int(i / 256) % 256, i % 256}')
  _want=$(entries "$1" "$2")
  rm -f /run/keepalived/*.pid
  _t0=$(uptime_s)
  _log='-G'
  [ $(($1 * $2)) -gt 1000 ] || _log='-l -D'
  # shellcheck disable=SC2086 # _log is one or two options
  "$KA" -n $_log -C -I -R -f "$_conf" -p /run/keepalived/keepalived.pid \
    -c /run/keepalived/checkers.pid -r /run/keepalived/vrrp.pid >"$W/keepalived.log" 2>&1 &
  _ka=$!
  _deadline=$(($(kt_now_cs) + 600 * 100))
  until last_service_full "$_last" "$2" && [ "$(ipvs_lines)" -eq "$_want" ]; do
    kill -0 "$_ka" 2>/dev/null || kt_die "keepalived exited: $(tail -n 5 "$W/keepalived.log")"
    [ "$(kt_now_cs)" -lt "$_deadline" ] || kt_die "keepalived: table incomplete after 600 s"
    # A probe is a process start (tens of ms under TCG): probing more often would take CPU from
    # keepalived. 100 ms of resolution on runs of seconds.
    usleep 100000
  done
  T=$(elapsed "$_t0" "$(uptime_s)")
  _child=$(cat /run/keepalived/checkers.pid 2>/dev/null)
  [ -r "/proc/${_child:-none}/status" ] || kt_die "keepalived: no checker process"
  KA_MEM=$(mem "$_child")
  kill -TERM "$_ka"
  wait "$_ka"
}

# run_ipvsadm S D: ipvsadm -R of the same rules (one netlink request per rule).
run_ipvsadm() {
  _rules=$(gen "$1" "$2" ipvsadm)
  _t0=$(uptime_s)
  "$IPVSADM" -R <"$_rules" || kt_die "ipvsadm -R $1x$2"
  T=$(elapsed "$_t0" "$(uptime_s)")
  [ "$(ipvs_lines)" -eq "$(entries "$1" "$2")" ] || kt_die "ipvsadm -R $1x$2: kernel incomplete"
}

# timed CMD...: wall seconds of CMD (stdout discarded) in T.
timed() {
  _t0=$(uptime_s)
  "$@" >/dev/null || kt_die "$*"
  T=$(elapsed "$_t0" "$(uptime_s)")
}

# target DESCRIPTION CONDITION-AS-AWK: a "must show" check; fails the bench only when ENFORCE=1.
target() {
  if awk "BEGIN {exit !($2)}"; then
    bench "target met: $1"
  else
    bench "TARGET MISSED: $1"
    [ "$ENFORCE" = 1 ] && kt_fail "target missed: $1"
  fi
}

kt_log "IPVS bench: sizes $SIZES, $REPS repetition(s), big table $BIG, $(nproc) cpu(s)," \
  "$(awk '$1 == "MemTotal:" {print int($2 / 1024)}' /proc/meminfo) MiB"
bench "guest $(uname -r) cpus=$(nproc) reps=$REPS"

for size in $SIZES; do
  S=${size%x*}
  D=${size#*x}
  : >"$W/lbd.t"
  : >"$W/ka.t"
  : >"$W/adm.t"
  : >"$W/lbd.ms"
  : >"$W/pair.ka"
  : >"$W/pair.adm"
  : >"$W/ka.kb"
  rep=1
  while [ "$rep" -le "$REPS" ]; do
    # The contenders take turns within a repetition, so a change in host load hits all three.
    cold_ipvs
    run_lbd "$S" "$D"
    echo "$T" >>"$W/lbd.t"
    echo "$LBD_MS" >>"$W/lbd.ms"
    kt_log "$size rep $rep: lbd-ipvs apply ${T} s (own plan+apply time ${LBD_MS} ms, $LBD_OPS ops)"
    cold_ipvs
    run_keepalived "$S" "$D"
    echo "$T" >>"$W/ka.t"
    echo "$KA_MEM" >>"$W/ka.kb"
    kt_log "$size rep $rep: keepalived ${T} s (checker VmHWM VmRSS RssAnon: $KA_MEM kB)"
    cold_ipvs
    run_ipvsadm "$S" "$D"
    echo "$T" >>"$W/adm.t"
    kt_log "$size rep $rep: ipvsadm -R ${T} s"
    ratio "$(tail -n 1 "$W/lbd.t")" "$(tail -n 1 "$W/ka.t")" >>"$W/pair.ka"
    echo >>"$W/pair.ka"
    ratio "$(tail -n 1 "$W/lbd.t")" "$T" >>"$W/pair.adm"
    echo >>"$W/pair.adm"
    rep=$((rep + 1))
  done
  lbd_t=$(median <"$W/lbd.t")
  ka_t=$(median <"$W/ka.t")
  adm_t=$(median <"$W/adm.t")
  # Ratios of the medians, and the median of the ratios within each repetition (the contenders
  # ran back to back there, under about the same host load): the target uses the latter.
  r_ka=$(median <"$W/pair.ka")
  bench "cold_apply $size entries=$((S + S * D)) lbd=${lbd_t}s keepalived=${ka_t}s ipvsadm_R=${adm_t}s" \
    "lbd/keepalived=$(ratio "$lbd_t" "$ka_t") lbd/ipvsadm=$(ratio "$lbd_t" "$adm_t")" \
    "per-repetition: lbd/keepalived=$(tr '\n' ' ' <"$W/pair.ka" | sed 's/ *$//;s/ /,/g')" \
    "lbd/ipvsadm=$(tr '\n' ' ' <"$W/pair.adm" | sed 's/ *$//;s/ /,/g')" \
    "lbd_plan+apply=$(median <"$W/lbd.ms")ms"
  if [ "$size" = "$BIG" ]; then
    target "cold apply $size: lbd/keepalived (median of the repetitions) $r_ka <= 0.5" "$r_ka <= 0.5"
    ka_hwm=$(awk '{print $1}' "$W/ka.kb" | median)
    ka_rss=$(awk '{print $2}' "$W/ka.kb" | median)
    ka_anon=$(awk '{print $3}' "$W/ka.kb" | median)
  fi
done

# --- on top of the big table: a one-destination change, snapshot reads --------------------------
S=${BIG%x*}
D=${BIG#*x}
# lbd-ipvs applies the big table and stays alive holding it (--hold): its memory is read like
# keepalived's checker's. It only reads the file, plans and programs; it does not touch IPVS again.
cold_ipvs
base=$(gen "$S" "$D" json)
"$LBD" apply --quiet --hold "$base" >"$W/hold.out" 2>&1 &
hold_pid=$!
kt_wait_for 600 grep -q '^holding' "$W/hold.out" || kt_die "lbd-ipvs apply --hold: $(tail -n 3 "$W/hold.out")"
[ "$(ipvs_lines)" -eq "$(entries "$S" "$D")" ] || kt_die "lbd-ipvs apply --hold: kernel incomplete"
# shellcheck disable=SC2046 # three numbers
set -- $(mem "$hold_pid")
lbd_hwm=$1 lbd_rss=$2 lbd_anon=$3
kill -TERM "$hold_pid"
wait "$hold_pid" 2>/dev/null
bumped=$(gen "$S" "$D" json bump)
: >"$W/chg.ms"
: >"$W/chg.plan"
: >"$W/chg.t"
rep=1
while [ "$rep" -le "$REPS" ]; do
  for f in "$bumped" "$base"; do
    _t0=$(uptime_s)
    "$LBD" apply "$f" >"$W/chg.out" 2>&1 || kt_die "lbd-ipvs apply (one change): $(tail -n 3 "$W/chg.out")"
    elapsed "$_t0" "$(uptime_s)" >>"$W/chg.t"
    ops=$(sed -n 's/^write ops: \([0-9]*\) errors: 0$/\1/p' "$W/chg.out")
    [ "$ops" = 1 ] || kt_fail "one-destination change: $ops write ops, want 1"
    sed -n 's/^apply time: \([0-9.]*\) ms$/\1/p' "$W/chg.out" >>"$W/chg.ms"
    sed -n 's/^plan time: \([0-9.]*\) ms$/\1/p' "$W/chg.out" >>"$W/chg.plan"
  done
  rep=$((rep + 1))
done
chg_ms=$(median <"$W/chg.ms")
bench "one_change on $BIG write_ops=$ops apply=${chg_ms}ms plan=$(median <"$W/chg.plan")ms" \
  "whole_process=$(median <"$W/chg.t")s (reads the file and the kernel table first)"
target "one change on $BIG: 1 write op applied in ${chg_ms} ms < 50 ms" "$ops == 1 && $chg_ms < 50"

: >"$W/snap.lbd"
: >"$W/snap.read"
: >"$W/snap.list"
: >"$W/snap.json"
: >"$W/snap.adm"
: >"$W/snap.proc"
: >"$W/pair.snap"
rep=1
while [ "$rep" -le "$REPS" ]; do
  # lbd-ipvs snapshot: what the reconciler reads before every plan, into its model; the process
  # prints the table's size and its own read time.
  _t0=$(uptime_s)
  "$LBD" snapshot >"$W/snap.out" 2>&1 || kt_die "lbd-ipvs snapshot: $(cat "$W/snap.out")"
  elapsed "$_t0" "$(uptime_s)" >>"$W/snap.lbd"
  grep -q "^services: $S destinations: $((S * D)) " "$W/snap.out" || kt_die "lbd-ipvs snapshot: $(cat "$W/snap.out")"
  sed -n 's/.* read time: \([0-9.]*\) ms$/\1/p' "$W/snap.out" >>"$W/snap.read"
  timed "$IPVSADM" -Sn
  echo "$T" >>"$W/snap.adm"
  ratio "$(tail -n 1 "$W/snap.lbd")" "$T" >>"$W/pair.snap"
  echo >>"$W/pair.snap"
  timed "$LBD" list
  echo "$T" >>"$W/snap.list"
  timed "$LBD" dump-json
  echo "$T" >>"$W/snap.json"
  # Reference: the text table the kernel prints without statistics or netlink, in one read.
  timed cat /proc/net/ip_vs
  echo "$T" >>"$W/snap.proc"
  rep=$((rep + 1))
done
snap_lbd=$(median <"$W/snap.lbd")
snap_adm=$(median <"$W/snap.adm")
r_snap=$(median <"$W/pair.snap")
bench "snapshot $BIG lbd_snapshot=${snap_lbd}s (own read time $(median <"$W/snap.read")ms) ipvsadm_Sn=${snap_adm}s" \
  "lbd/ipvsadm=$(ratio "$snap_lbd" "$snap_adm") per-repetition=$(tr '\n' ' ' <"$W/pair.snap" | sed 's/ *$//;s/ /,/g')" \
  "lbd_list=$(median <"$W/snap.list")s lbd_dump_json=$(median <"$W/snap.json")s" \
  "cat_proc_net_ip_vs=$(median <"$W/snap.proc")s"
target "snapshot of $BIG: lbd-ipvs snapshot / ipvsadm -Sn (median of the repetitions) $r_snap <= 0.5" "$r_snap <= 0.5"

bench "memory $BIG (VmHWM/VmRSS/RssAnon kB) lbd=$lbd_hwm/$lbd_rss/$lbd_anon" \
  "keepalived_checker=$ka_hwm/$ka_rss/$ka_anon lbd/keepalived VmRSS=$(ratio "$lbd_rss" "$ka_rss")" \
  "VmHWM=$(ratio "$lbd_hwm" "$ka_hwm")"
target "memory on $BIG: lbd VmRSS ${lbd_rss} kB <= keepalived checker VmRSS ${ka_rss} kB" "$lbd_rss <= $ka_rss"

kt_finish

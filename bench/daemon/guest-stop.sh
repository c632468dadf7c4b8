# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# guest-stop.sh: removing a whole IPVS table on stop, lbd (exit_policy = "remove", SIGTERM) against
# keepalived (its checker removing its virtual servers on SIGTERM), in the kernel-test guest; and,
# on the way, lbd's reload of a one-line change (one real server's weight) on that table.
#
# Parameters from /ktest/bench-params.sh (bench/daemon/CMakeLists.txt): SIZE=10000x10, ENFORCE=1.
#
# keepalived: `keepalived -n -C -R` (checker only, no respawn, no -I: it removes its entries when
# it stops) programs the table; then its checker process gets SIGTERM directly (sent to the parent,
# the parent kills a checker that is not done after 5 s and leaves a partial table behind), and the
# time runs until /proc/net/ip_vs is empty and the process is gone.
# lbd: `lbd -f` programs the same table (no checks); SIGTERM; the time runs until the process has
# exited, and the kernel must be empty at that moment (lbd exits only once its services are gone).
#
#   BENCH reload_one_change 10000x10 ops=1 reload=3.10s (lbd's own duration_ms ...) ...
#   BENCH stop_remove 10000x10 lbd=1.20s keepalived=8.70s lbd/keepalived=0.14 ...
#   BENCH program 10000x10 lbd=62.2s keepalived=46.7s lbd/keepalived=1.33 peak_rss lbd=...MB keepalived=...MB ...
# shellcheck disable=SC1091 # the guest helpers, tests/kernel/harness/guest-lib.sh
. /usr/lib/ktest/lib.sh

LBD=/usr/local/bin/lbd
CALL=/usr/local/bin/control_call
KA=/usr/local/bin/keepalived
IPVSADM=/usr/sbin/ipvsadm
W=/tmp/bench
SIZE=50x4
ENFORCE=0
# shellcheck source=/dev/null
[ -f "$KT_DIR/bench-params.sh" ] && . "$KT_DIR/bench-params.sh"
S=${SIZE%x*}
D=${SIZE#*x}

for tool in "$LBD" "$CALL" "$KA" "$IPVSADM"; do
  [ -x "$tool" ] || kt_die "$tool is missing from the guest"
done
mkdir -p "$W" /run/keepalived /etc/keepalived /var/run || kt_die "work directories"

bench() { echo "BENCH $*"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "n/a"}'; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f\n", b - a}'; }
ipvs_lines() { wc -l </proc/net/ip_vs; }
WANT=$((3 + S + S * D))
table_full() { [ "$(ipvs_lines)" -eq "$WANT" ]; }
table_empty() { [ "$(ipvs_lines)" -eq 3 ]; }
# Peak resident memory (VmHWM) of the given processes together, in MB.
peak_mb() { for _p in "$@"; do awk '/^VmHWM:/ {print $2}' "/proc/$_p/status"; done | awk '{s += $1} END {printf "%.1f", s / 1024}'; }

# cold_ipvs: as in bench/ipvs/guest-bench.sh, no run inherits the previous one's trash list.
cold_ipvs() {
  [ -d /sys/module/ip_vs ] && { "$IPVSADM" -C || kt_die "ipvsadm -C"; }
  for m in $(awk '$1 ~ /^ip_vs_/ {print $1}' /proc/modules) ip_vs; do
    [ -d "/sys/module/$m" ] || continue
    kt_wait_for 30 rmmod "$m" 2>/dev/null || kt_die "rmmod $m"
  done
  modprobe ip_vs || kt_die "modprobe ip_vs"
  modprobe ip_vs_wlc || kt_die "modprobe ip_vs_wlc"
  table_empty || kt_die "IPVS is not empty after reloading ip_vs"
}

awk -v services="$S" -v dests="$D" -v format=keepalived -f "$KT_DIR/gen-table.awk" >$W/table.keepalived ||
  kt_die "generating the keepalived table"
awk -v services="$S" -v dests="$D" -v policy=remove -v socket=/run/lbd-bench.sock -f "$KT_DIR/gen-lbd.awk" \
  >$W/lbd.conf || kt_die "generating lbd.conf"
awk -v services="$S" -v dests="$D" -v policy=remove -v socket=/run/lbd-bench.sock -v bump=1 \
  -f "$KT_DIR/gen-lbd.awk" >$W/lbd-bump.conf || kt_die "generating lbd-bump.conf"

# --- keepalived
cold_ipvs
rm -f /run/keepalived/*.pid
_t0=$(uptime_s)
"$KA" -n -G -C -R -f $W/table.keepalived -p /run/keepalived/keepalived.pid \
  -c /run/keepalived/checkers.pid -r /run/keepalived/vrrp.pid >$W/keepalived.log 2>&1 &
KA_PID=$!
kt_wait_for 900 table_full || kt_die "keepalived: table incomplete ($(ipvs_lines) of $WANT lines)"
KA_PROG_T=$(elapsed "$_t0" "$(uptime_s)")
kt_log "keepalived programmed $SIZE in $KA_PROG_T s"
CHILD=$(cat /run/keepalived/checkers.pid 2>/dev/null)
if [ -z "$CHILD" ] || ! kill -0 "$CHILD"; then kt_die "keepalived: no checker process"; fi
KA_MB=$(peak_mb "$KA_PID" "$CHILD")
_t0=$(uptime_s)
kill -TERM "$CHILD"
kt_wait_for 600 table_empty || kt_die "keepalived: $(ipvs_lines) lines left after 600 s"
KA_T=$(elapsed "$_t0" "$(uptime_s)")
wait "$KA_PID"
kt_log "keepalived removed $SIZE in $KA_T s"

# --- lbd
cold_ipvs
_t0=$(uptime_s)
"$LBD" -f $W/lbd.conf >$W/lbd.log 2>&1 &
LBD_PID=$!
kt_wait_for 900 table_full || kt_die "lbd: table incomplete ($(ipvs_lines) of $WANT lines): $(tail -n 3 $W/lbd.log)"
PROG_T=$(elapsed "$_t0" "$(uptime_s)")
kt_log "lbd programmed $SIZE in $PROG_T s"
LBD_MB=$(peak_mb "$LBD_PID")

# A one-line change: `reload` on the control socket answers with the reload's report.
cp $W/lbd-bump.conf $W/lbd.conf
_t0=$(uptime_s)
"$CALL" /run/lbd-bench.sock reload >$W/reload.json 2>&1 || kt_fail "reload: $(cat $W/reload.json)"
RELOAD_T=$(elapsed "$_t0" "$(uptime_s)")
RELOAD_OPS=$(sed -n 's/.*"ipvs_ops":\([0-9]*\).*/\1/p' $W/reload.json)
RELOAD_MS=$(sed -n 's/.*"duration_ms":\([0-9.]*\).*/\1/p' $W/reload.json)
kt_log "reload of a one-line change: $(cat $W/reload.json)"
kt_expect_eq "IPVS write operations for a one-line reload of $SIZE" 1 "$RELOAD_OPS"
LAST=$(awk -v s="$S" -v d="$D" 'function ip(b, n) {return "10." (b + int(n / 65536)) "." (int(n / 256) % 256) "." (n % 256)}
  BEGIN {print ip(1, s - 1), ip(128, s * d - 1)}')
kt_expect_eq "the changed weight in the kernel" 2 \
  "$("$IPVSADM" -Ln -t "${LAST% *}:80" | awk -v r="${LAST#* }:8080" '$1 == "->" && $2 == r {print $4}')"
bench "reload_one_change $SIZE ops=$RELOAD_OPS reload=${RELOAD_T}s lbd_duration_ms=$RELOAD_MS"
bench "program $SIZE lbd=${PROG_T}s keepalived=${KA_PROG_T}s lbd/keepalived=$(ratio "$PROG_T" "$KA_PROG_T")" \
  "peak_rss lbd=${LBD_MB}MB keepalived=${KA_MB}MB lbd/keepalived=$(ratio "$LBD_MB" "$KA_MB")" \
  "lbd_after_reload=$(peak_mb "$LBD_PID")MB"
# An override while a full pass reads the table: with reconcile_interval = 1s the IPVS worker reads
# the whole table nearly all the time. Each round waits until the worker thread (lbd-ipvs) uses CPU,
# that is, reads, then sets one real server's weight on the control socket (`lbctl weight`, which
# answers once the kernel has it); the full pass gives up its read (log: "gave up its read") rather
# than make the override wait for a whole-table dump. (Only where a pass can be seen in flight: not
# on the 100 x 4 smoke. An override, not a reload: a reload's configuration load under TCG outlasts
# the pass.)
if [ "$S" -ge 1000 ]; then
  ipvs_thread() { grep -l '^lbd-ipvs$' /proc/"$LBD_PID"/task/*/comm 2>/dev/null | head -n 1 | sed 's|/comm$|/stat|'; }
  thread_ticks() { awk '{print $14 + $15}' "$1"; }
  worker_busy() {
    _a=$(thread_ticks "$WORKER") && sleep 0.2 && _b=$(thread_ticks "$WORKER") && [ "$_b" -gt "$((_a + 5))" ]
  }
  sed -e 's/^reconcile_interval = .*/reconcile_interval = "1s"/' -e 's/^log_level = .*/log_level = "info"/' \
    $W/lbd-bump.conf >$W/lbd.conf
  "$CALL" /run/lbd-bench.sock reload >$W/reload.json 2>&1 || kt_fail "reload: $(cat $W/reload.json)"
  WORKER=$(ipvs_thread)
  [ -n "$WORKER" ] || kt_die "no lbd-ipvs thread"
  BUSY_MS=""
  for _weight in 3 4 5; do
    kt_wait_for 120 worker_busy || kt_die "the IPVS worker never read the table"
    _t0=$(uptime_s)
    "$CALL" /run/lbd-bench.sock weight "{\"server\":\"${LAST#* }:8080\",\"weight\":$_weight}" >$W/weight.json 2>&1 ||
      kt_fail "weight: $(cat $W/weight.json)"
    BUSY_MS="$BUSY_MS,$(awk -v a="$_t0" -v b="$(uptime_s)" 'BEGIN {printf "%.0f", (b - a) * 1000}')"
  done
  kt_expect_eq "the last override's weight in the kernel" 5 \
    "$("$IPVSADM" -Ln -t "${LAST% *}:80" | awk -v r="${LAST#* }:8080" '$1 == "->" && $2 == r {print $4}')"
  ABANDONED=$(grep -c "gave up its read" $W/lbd.log)
  bench "override_during_full_pass $SIZE overrides_ms=${BUSY_MS#,} abandoned_passes=$ABANDONED"
fi

_t0=$(uptime_s)
kill -TERM "$LBD_PID"
wait "$LBD_PID"
LBD_RC=$?
LBD_T=$(elapsed "$_t0" "$(uptime_s)")
LEFT=$(($(ipvs_lines) - 3))
kt_log "lbd stopped in $LBD_T s (exit $LBD_RC), $LEFT lines left: $(tail -n 2 $W/lbd.log | tr '\n' '|')"
kt_expect_eq "lbd exit status under SIGTERM" 0 "$LBD_RC"
kt_expect_eq "entries left in the kernel when lbd has exited" 0 "$LEFT"

R=$(ratio "$LBD_T" "$KA_T")
bench "stop_remove $SIZE entries=$((S + S * D)) lbd=${LBD_T}s keepalived=${KA_T}s lbd/keepalived=$R" \
  "lbd_program=${PROG_T}s"
if [ "$ENFORCE" = 1 ]; then
  if awk -v r="$R" 'BEGIN {exit !(r <= 0.5)}'; then
    kt_pass "stop with exit_policy remove: lbd/keepalived $R <= 0.5"
  else
    kt_fail "stop with exit_policy remove: lbd/keepalived $R > 0.5"
  fi
fi
kt_finish

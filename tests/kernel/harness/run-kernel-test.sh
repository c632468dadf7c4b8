#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-kernel-test.sh: runs one guest script against real IPVS in a QEMU TCG guest.
#
#   run-kernel-test.sh --name NAME --cache DIR --work DIR --script FILE
#                      [--bin FILE]... [--file FILE]... [--timeout SECONDS] [--memory MB] [--smp N]
#                      [--sanitized]   (the BINS are ASan/UBSan builds: sets KT_SANITIZED=1 in the guest)
#
# 1. fetch-kernel.sh and build-base.sh make sure the cached kernel and base initramfs of this build
#    tree exist (both are cheap no-ops once built).
# 2. A small per-test archive is built: FILE as /ktest/test.sh, every --file in /ktest, every --bin
#    in /usr/local/bin (debug info stripped) with the shared libraries the base lacks, and
#    /etc/ktest/env (test name, sanitizer options, a random result token). It is appended to the
#    base archive; the kernel unpacks concatenated archives in order.
# 3. QEMU boots that under timeout(1). The serial console goes to WORK/serial.log and, live, to
#    this script's stdout. The exit status is the guest script's, taken from the result line that
#    carries the token; no result line (guest hung, crashed, timed out) is a failure. The guest's
#    last `KTEST-FIGURES ...` line, if any, is repeated in the verdict line.
# Environment overrides for debugging: LBD_KTEST_TIMEOUT, LBD_KTEST_MEMORY, LBD_KTEST_SMP,
# LBD_KTEST_APPEND (extra kernel command line), ASAN_OPTIONS and UBSAN_OPTIONS (passed to the guest),
# LBD_KTEST_SHELL=1 (from a terminal: a shell on the guest console after the script; no timeout).
set -Eeuo pipefail
export LC_ALL=C

die() { echo "ktest: FAIL: $*" >&2; exit 1; }
seconds_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}'; }

name='' cache='' work='' script='' timeout=300 memory=1024 smp=1 sanitized=0
bins=() files=()
while (($#)); do
  case $1 in
    --name) name=$2 ;;
    --cache) cache=$2 ;;
    --work) work=$2 ;;
    --script) script=$2 ;;
    --bin) bins+=("$2") ;;
    --file) files+=("$2") ;;
    --timeout) timeout=$2 ;;
    --memory) memory=$2 ;;
    --smp) smp=$2 ;;
    --sanitized)
      sanitized=1
      shift
      continue
      ;;
    *) die "unknown argument '$1'" ;;
  esac
  shift 2 || die "missing value after '$1'"
done
[[ -n $name && -n $cache && -n $work && -n $script ]] || die "--name, --cache, --work and --script are required"
timeout=${LBD_KTEST_TIMEOUT:-$timeout}
memory=${LBD_KTEST_MEMORY:-$memory}
smp=${LBD_KTEST_SMP:-$smp}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=harness-lib.sh
. "$here/harness-lib.sh"
ktest_require ktest qemu-system-x86_64:qemu-system-x86 busybox:busybox-static cpio:cpio depmod:kmod \
  modprobe:kmod ipvsadm:ipvsadm nft:nftables ip:iproute2 ss:iproute2 ldd:libc-bin gzip:gzip flock:util-linux \
  timeout:coreutils objcopy:binutils apt-get:apt dpkg:dpkg
[[ -f $script ]] || die "guest script $script does not exist"
for f in "${bins[@]}" "${files[@]}"; do
  [[ -f $f ]] || die "$f does not exist (not built?)"
done

cache=$(realpath -m "$cache")
mkdir -p "$cache" "$work"
# The kernel_prepare fixture has normally resolved and cached the kernel already; resolving it
# again costs an apt-cache run, so only do it when this script runs on its own.
if ! (. "$cache/kernel.env" 2>/dev/null && [[ -f $VMLINUZ ]]); then
  "$here/fetch-kernel.sh" "$cache" >/dev/null || die "could not provide the kernel"
fi
"$here/build-base.sh" "$cache" >/dev/null || die "could not build the base initramfs"
# shellcheck source=/dev/null
. "$cache/kernel.env"

# --- per-test archive -------------------------------------------------------------------------
t_overlay=$EPOCHREALTIME
stage=$work/overlay
rm -rf "$stage" "$work/initrd.img" "$work/serial.log" "$work/serial.raw"
mkdir -p "$stage/ktest" "$stage/etc/ktest" "$stage/usr/local/bin"
cp "$script" "$stage/ktest/test.sh"
chmod 755 "$stage/ktest/test.sh"
for f in "${files[@]}"; do
  cp -L "$f" "$stage/ktest/$(basename "$f")"
done
for b in "${bins[@]}"; do
  dest=/usr/local/bin/$(basename "$b")
  ktest_copy_with_libs "$stage" "$b" "$dest" "$cache/base.files"
  # Debug info only costs guest memory and unpack time; sanitizer reports still print
  # binary+offset, which llvm-symbolizer or addr2line resolve against the unstripped host file.
  objcopy --strip-debug "$stage$dest"
  chmod 755 "$stage$dest"
done
token=$(od -An -N8 -tx8 /dev/urandom | tr -d ' \n')
{
  printf 'export KT_NAME=%q\n' "$name"
  printf 'export KT_TOKEN=%q\n' "$token"
  printf 'export KT_DIR=/ktest\n'
  [[ -z ${LBD_KTEST_SHELL:-} ]] || printf 'export KT_SHELL=1\n'
  # Sanitized test binaries (the CI build) report through these; the host's choice wins.
  # The guest has no symbolizer (symbolize.sh resolves frames on the host afterwards).
  printf 'export ASAN_OPTIONS=%q\n' "${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}:symbolize=0"
  printf 'export UBSAN_OPTIONS=%q\n' "${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}:symbolize=0"
  ((sanitized == 0)) || printf 'export KT_SANITIZED=1\n'
} >"$stage/etc/ktest/env"
cp "$cache/base.img" "$work/initrd.img"
ktest_cpio_dir "$stage" >>"$work/initrd.img"
overlay_s=$(seconds_since "$t_overlay")

# --- boot ---------------------------------------------------------------------------------------
qemu_pid='' tail_pid=''
cleanup() {
  [[ -z $qemu_pid ]] || kill -TERM "$qemu_pid" 2>/dev/null || true
  [[ -z $tail_pid ]] || kill -TERM "$tail_pid" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

echo "ktest: $name: kernel $KV, initrd $(du -k "$work/initrd.img" | cut -f1) KiB (per-test part built in" \
  "${overlay_s} s), qemu TCG ${smp} cpu(s) ${memory} MiB, timeout ${timeout} s"
echo "ktest: serial log: $work/serial.log"
# No NIC at all: guest traffic stays inside the guest's own namespaces. no_timer_check: on a busy
# host the kernel's early IO-APIC timer test can miss its window under TCG and panic the boot
# ("IO-APIC + timer doesn't work!").
qemu=(qemu-system-x86_64 -accel tcg -cpu max -smp "$smp" -m "$memory"
  -nodefaults -no-user-config -display none -nic none -serial stdio -no-reboot
  -kernel "$VMLINUZ" -initrd "$work/initrd.img"
  -append "console=ttyS0 quiet panic=-1 no_timer_check ${LBD_KTEST_APPEND:-}")
if [[ -n ${LBD_KTEST_SHELL:-} ]]; then
  "${qemu[@]}" | tee "$work/serial.log"
  exit "${PIPESTATUS[0]}"
fi
# The console without the CRs and escape sequences firmware and kernel emit.
clean_console() { sed -u -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' -e 's/\x1bc//g' -e 's/\r//g'; }
# The file exists before tail looks at it: QEMU's redirection is only opened in the background job.
: >"$work/serial.raw"
t_boot=$EPOCHREALTIME
qemu_rc=0
timeout -k 5 "$timeout" "${qemu[@]}" </dev/null >"$work/serial.raw" 2>&1 &
qemu_pid=$!
# Live copy for the test output; the log that is checked is written from the raw file afterwards.
tail -n +1 -s 0.2 --pid="$qemu_pid" -f "$work/serial.raw" | clean_console | sed -u 's/^/| /' &
tail_pid=$!
wait "$qemu_pid" || qemu_rc=$?
qemu_pid=''
wait "$tail_pid" || true
tail_pid=''
boot_s=$(seconds_since "$t_boot")
clean_console <"$work/serial.raw" >"$work/serial.log"
if grep -aqE 'Sanitizer|runtime error:' "$work/serial.log"; then
  "$here/symbolize.sh" "$work/serial.log" "${bins[@]}"
fi

# Not anchored: a kernel message can land on the same console line.
result=$(grep -aoE "KTEST-RESULT $token rc=[0-9]+ uptime=[0-9.]+" "$work/serial.log" | tail -n 1 || true)
guest_up=$(sed -n 's/^ktest: guest up at \([0-9.]*\) s.*/\1/p' "$work/serial.log" | head -n 1)
guest_end=$(sed -n 's/.* uptime=\([0-9.]*\)$/\1/p' <<<"$result")
echo "ktest: $name: qemu start to exit ${boot_s} s wall (guest /init at ${guest_up:-?} s," \
  "test done at ${guest_end:-?} s guest uptime)"

if ((qemu_rc == 124 || qemu_rc == 137)); then
  die "$name: QEMU timed out after ${timeout} s; see $work/serial.log"
fi
[[ -n $result ]] || die "$name: the guest printed no result line (crash, panic or hang?); qemu exit status" \
  "$qemu_rc; see $work/serial.log"
((qemu_rc == 0)) || die "$name: qemu exit status $qemu_rc; see $work/serial.log"
rc=${result#* rc=}
rc=${rc%% *}
[[ $rc =~ ^[0-9]+$ ]] || die "$name: malformed result line '$result'"
# A guest line `KTEST-FIGURES key=value...` (the last one counts) is repeated in the verdict, so the
# figures a test measured stand next to its result in the CTest log.
figures=$(sed -n 's/^KTEST-FIGURES //p' "$work/serial.log" | tail -n 1)
if ((rc != 0)); then
  echo "ktest: $name: FAILED: the guest script exited with status $rc${figures:+ ($figures)}; see $work/serial.log" >&2
  exit 1
fi
echo "ktest: $name: passed${figures:+ ($figures)}"

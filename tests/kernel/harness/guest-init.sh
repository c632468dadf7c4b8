#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# /init of the kernel-test guest (runs under busybox sh as PID 1).
#
# Mounts the pseudo file systems, loads the module list the base initramfs was built with, runs
# /ktest/test.sh and prints one result line that the host runner parses:
#   KTEST-RESULT <token> rc=<exit status of test.sh> uptime=<seconds>
# then powers the machine off. The token comes from the per-test archive, so a line that the test
# itself prints (or a stale log) can never pass for the result.
export PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TMPDIR=/tmp

if [ -z "${KT_ON_CONSOLE:-}" ]; then
  mount -t proc proc /proc
  mount -t sysfs sysfs /sys
  mount -t devtmpfs devtmpfs /dev 2>/dev/null
  # The kernel opened /dev/console from the archive before devtmpfs hid it; reopen it from
  # devtmpfs so that stdio keeps working and job control has a real tty.
  export KT_ON_CONSOLE=1
  exec /bin/sh /init </dev/console >/dev/console 2>&1
fi

mount -t tmpfs -o mode=755 tmpfs /run
mount -t tmpfs -o mode=1777 tmpfs /tmp
mkdir -p /run/netns /dev/pts /dev/shm /root
mount -t devpts devpts /dev/pts 2>/dev/null
mount -t tmpfs tmpfs /dev/shm

poweroff_now() {
  sync
  poweroff -f
  # poweroff -f does not return; if it ever did, panic=-1 and -no-reboot still end QEMU.
  echo o >/proc/sysrq-trigger
}

uptime_s() { cut -d' ' -f1 /proc/uptime; }

[ -f /etc/ktest/env ] && . /etc/ktest/env
echo "ktest: guest up at ${KT_UPTIME_PREFIX:-}$(uptime_s) s, kernel $(uname -r), $(nproc) cpu(s)"

# Modules in dependency order (built on the host with modprobe --show-depends). busybox insmod
# resolves nothing itself, so the order matters.
load_failed=''
while read -r ko; do
  insmod "$ko" 2>/dev/null || load_failed="$load_failed $(basename "$ko" .ko)"
done </etc/ktest/modules.load
[ -z "$load_failed" ] || echo "ktest: WARNING: modules that did not load:$load_failed"
echo "ktest: modules loaded at $(uptime_s) s"

ip() { /usr/sbin/ip "$@"; }
ip link set lo up

rc=1
if [ ! -f /ktest/test.sh ]; then
  echo "ktest: FAIL: /ktest/test.sh is missing from the per-test archive"
elif [ ! -e /proc/net/ip_vs ]; then
  echo "ktest: FAIL: ip_vs is not loaded (no /proc/net/ip_vs)"
else
  cd /ktest || exit 1
  echo "ktest: running ${KT_NAME:-test.sh}"
  /bin/sh /ktest/test.sh
  rc=$?
  cd /
fi
echo "KTEST-RESULT ${KT_TOKEN:-none} rc=$rc uptime=$(uptime_s)"
if [ -n "${KT_SHELL:-}" ]; then
  echo "ktest: interactive shell (the guest powers off when it exits); helpers: . /usr/lib/ktest/lib.sh"
  setsid cttyhack /bin/sh -l
fi
poweroff_now

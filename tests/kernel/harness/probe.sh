# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# kernel_probe: our own netlink client binary in the guest. Its GET_INFO answer must match what
# ipvsadm reports, and it must fail once ip_vs is gone from the kernel.
. /usr/lib/ktest/lib.sh

probe=/usr/local/bin/kernel_probe
[ -x $probe ] || kt_die "$probe is not in the guest"

out=$($probe 2>&1)
rc=$?
echo "$out"
kt_expect_eq "kernel_probe exit status with ip_vs loaded" 0 "$rc"
kt_expect_eq "IPVS version over generic netlink matches ipvsadm" \
  "$(ipvsadm -Ln | head -n 1)" "$(echo "$out" | grep '^IP Virtual Server version')"

# In the sanitizer build the sanitizer runtime must really work in the guest: ASan initialises
# (it needs /proc) and LeakSanitizer reports a leak and fails the process.
if [ -n "${KT_SANITIZED:-}" ]; then
  out=$(ASAN_OPTIONS=help=1 $probe 2>&1)
  kt_check "AddressSanitizer runtime starts in the guest" grep -q 'Available flags for AddressSanitizer' <<EOT
$out
EOT
  out=$(ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=1" $probe --leak-on-purpose 2>&1)
  rc=$?
  if [ "$rc" -ne 0 ] && echo "$out" | grep -q 'ERROR: LeakSanitizer: detected memory leaks'; then
    kt_pass "LeakSanitizer reports a deliberate leak (exit $rc)"
  else
    kt_fail "deliberate leak not reported (exit $rc)"
  fi
fi

# Unload ip_vs and everything that uses it. Resolving the family would make the kernel load ip_vs
# again through /sbin/modprobe (it carries a genl family alias), so turn that off first: the probe
# must then report a missing family.
for m in $(awk '$1 == "ip_vs" {print $4}' /proc/modules | tr ',' ' '); do
  [ "$m" = "-" ] || rmmod "$m" || kt_fail "rmmod $m"
done
rmmod ip_vs || kt_die "rmmod ip_vs"
[ ! -e /proc/net/ip_vs ] || kt_die "ip_vs is still loaded"
modprobe_path=$(cat /proc/sys/kernel/modprobe)
echo /bin/false >/proc/sys/kernel/modprobe
out=$($probe 2>&1)
rc=$?
echo "$out"
kt_check "kernel_probe fails without ip_vs (exit $rc)" [ "$rc" -ne 0 ]

# With module loading back on, resolving the family loads ip_vs on demand, as on a real director.
echo "$modprobe_path" >/proc/sys/kernel/modprobe
out=$($probe 2>&1)
rc=$?
echo "$out"
kt_expect_eq "kernel_probe exit status after ip_vs was loaded on demand" 0 "$rc"
kt_check "ip_vs loaded on demand" [ -e /proc/net/ip_vs ]

kt_finish

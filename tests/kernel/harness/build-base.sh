#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# build-base.sh CACHE_DIR
#
# Builds the base initramfs shared by every kernel test of a build tree: busybox-static with its
# applet links, /dev/console and /dev/null, the kernel modules IPVS and FULLNAT tests need (in
# dependency order, from `modprobe --show-depends` against the cached kernel), iproute2, ipvsadm and
# nft with their shared libraries, /init (guest-init.sh) and the guest shell library (guest-lib.sh).
#
# Output: CACHE_DIR/base.img (gzip'd newc archive, zero-padded to 512 bytes so that a per-test
# archive can simply be appended) and CACHE_DIR/base.files (guest paths it holds). It is rebuilt
# only when its inputs change (kernel, harness files, host binaries), under an flock.
set -Eeuo pipefail
export LC_ALL=C

die() { echo "build-base: FAIL: $*" >&2; exit 1; }

(($# == 1)) || die "usage: build-base.sh CACHE_DIR"
cache=$(realpath -m "$1")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=harness-lib.sh
. "$here/harness-lib.sh"
ktest_require build-base busybox:busybox-static cpio:cpio gzip:gzip depmod:kmod modprobe:kmod ldd:libc-bin \
  ip:iproute2 ss:iproute2 ipvsadm:ipvsadm nft:nftables flock:util-linux
# shellcheck source=/dev/null
. "$cache/kernel.env" || die "no $cache/kernel.env: run fetch-kernel.sh first"

# Modules: the first group must load, the rest are taken when this kernel has them. FULLNAT (IPVS nat
# + conntrack + lbd's nftables table, SNAT in a postrouting nat chain) needs nf_tables (its set
# backends are built into it), nft_ct, nft_nat and nft_chain_nat, which pull in nf_nat, nf_conntrack
# and nf_defrag_ipv4/6. conntrackd (kernel_fullnat_failover) needs nf_conntrack_netlink. lbd's
# announcement device of [[anycast]] routes is a TUN device (loading tun makes /dev/net/tun).
required_modules=(ip_vs ip_vs_rr veth bridge nf_tables nft_ct nft_nat nft_chain_nat tun)
optional_modules=(ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_lblc ip_vs_lblcr ip_vs_dh ip_vs_sh ip_vs_sed ip_vs_nq
  ip_vs_fo ip_vs_ovf ip_vs_mh ip_vs_twos ip_vs_pe_sip nf_conntrack_sip dummy ipip ip_gre fou ip6_tunnel
  ip6_gre fou6 nf_conntrack_netlink)

busybox=$(command -v busybox || true)
[[ -n $busybox ]] || die "busybox is missing (Debian package busybox-static)"
ldd "$busybox" >/dev/null 2>&1 && die "$busybox is dynamically linked; install busybox-static"
host_ip=$(readlink -f "$(command -v ip || true)")
host_ss=$(readlink -f "$(command -v ss || true)")
host_ipvsadm=$(readlink -f "$(command -v ipvsadm || true)")
host_nft=$(readlink -f "$(command -v nft || true)")
[[ -x $host_ip && -x $host_ss ]] || die "iproute2 (ip, ss) is missing"
[[ -x $host_ipvsadm ]] || die "ipvsadm is missing (Debian package ipvsadm)"
[[ -x $host_nft ]] || die "nft is missing (Debian package nftables)"

inputs() {
  echo "kernel $KV $KROOT"
  echo "modules ${required_modules[*]} ${optional_modules[*]}"
  cat "$here/build-base.sh" "$here/harness-lib.sh" "$here/guest-init.sh" "$here/guest-lib.sh"
  local f
  for f in "$busybox" "$host_ip" "$host_ss" "$host_ipvsadm" "$host_nft"; do
    stat -L -c '%n %s %Y' "$f"
    ldd "$f" 2>/dev/null | awk '$3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | xargs -r stat -L -c '%n %s %Y'
  done
}

exec 9>"$cache/.base.lock"
flock 9
stamp=$(inputs | sha256sum | cut -d' ' -f1)
if [[ -f $cache/base.img && -f $cache/base.files && $(cat "$cache/base.stamp" 2>/dev/null) == "$stamp" ]]; then
  echo "$cache/base.img"
  exit 0
fi

t0=$EPOCHREALTIME
rm -rf "$cache/base.stage."*
stage=$(mktemp -d "$cache/base.stage.XXXXXX")
trap 'rm -rf "$stage" "$stage.img" "$stage.files"' EXIT
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,usr/lib/ktest,etc/ktest,proc,sys,dev,run,tmp,root}
mkdir -p "$stage"/{lib64,ktest,"lib/modules/$KV"}

cp "$busybox" "$stage/bin/busybox"
for applet in $("$busybox" --list); do
  [[ -e $stage/bin/$applet ]] || ln -s busybox "$stage/bin/$applet"
done
# The kernel runs /sbin/modprobe to load a scheduler module on demand (ipvsadm -s NAME).
ln -s ../bin/busybox "$stage/sbin/modprobe"
# busybox's ip must never be found by path: iproute2's is the one tests want.
rm -f "$stage/bin/ip"

{
  for m in "${required_modules[@]}"; do
    modprobe -d "$KROOT" -S "$KV" --show-depends "$m" || die "kernel $KV has no module $m"
  done
  for m in "${optional_modules[@]}"; do
    modprobe -d "$KROOT" -S "$KV" --show-depends "$m" 2>/dev/null || true
  done
} | awk '$1 == "insmod" && !seen[$2]++ {print $2}' >"$stage/etc/ktest/modules.host"
[[ -s $stage/etc/ktest/modules.host ]] || die "no modules resolved for kernel $KV"
: >"$stage/etc/ktest/modules.load"
while read -r ko; do
  rel=${ko#"$KROOT"}
  mkdir -p "$stage$(dirname "$rel")"
  cp "$ko" "$stage$rel"
  echo "$rel" >>"$stage/etc/ktest/modules.load"
done <"$stage/etc/ktest/modules.host"
rm "$stage/etc/ktest/modules.host"
cp "$KROOT/lib/modules/$KV"/modules.{order,builtin,builtin.modinfo} "$stage/lib/modules/$KV/"
depmod -b "$stage" "$KV"

ktest_copy_with_libs "$stage" "$host_ip" /usr/sbin/ip
ktest_copy_with_libs "$stage" "$host_ss" /usr/sbin/ss
ktest_copy_with_libs "$stage" "$host_ipvsadm" /usr/sbin/ipvsadm
ktest_copy_with_libs "$stage" "$host_nft" /usr/sbin/nft
ln -s ../sbin/ip "$stage/usr/bin/ip"

cp "$here/guest-init.sh" "$stage/init"
chmod 755 "$stage/init"
cp "$here/guest-lib.sh" "$stage/usr/lib/ktest/lib.sh"
echo "root:x:0:0:root:/root:/bin/sh" >"$stage/etc/passwd"
echo "root:x:0:" >"$stage/etc/group"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$stage/etc/hosts"

(cd "$stage" && find . -mindepth 1 -printf '/%P\n' | sort) >"$stage.files"
{ ktest_cpio_dir "$stage"; ktest_cpio_char_nodes; } | gzip -1 >"$stage.img"
ktest_pad_file "$stage.img"
mv "$stage.files" "$cache/base.files"
mv "$stage.img" "$cache/base.img"
echo "$stamp" >"$cache/base.stamp"
t1=$EPOCHREALTIME
echo "build-base: $(wc -l <"$stage/etc/ktest/modules.load") modules," \
  "$(find "$stage" -type f | wc -l) files, $(du -k "$cache/base.img" | cut -f1) KiB, built in" \
  "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s" >&2
echo "$cache/base.img"

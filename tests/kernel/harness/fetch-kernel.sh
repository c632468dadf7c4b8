#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fetch-kernel.sh CACHE_DIR
#
# Makes Debian's cloud kernel available for the kernel test tier and writes CACHE_DIR/kernel.env
# (KV, KROOT, VMLINUZ) for the other harness scripts to source.
#
# The package is the one `linux-image-cloud-amd64` depends on (override with LBD_KTEST_KERNEL_PKG).
# It is fetched with `apt-get download` (nothing but a Debian package comes from outside), unpacked
# with `dpkg -x` and indexed with `depmod -b`. Everything lives under CACHE_DIR and is reused by
# later runs; an flock serialises two tests that start at the same moment, and the unpacked tree
# only appears under its final name once complete, so a run killed half-way leaves nothing stale.
set -Eeuo pipefail
export LC_ALL=C

die() { echo "fetch-kernel: FAIL: $*" >&2; exit 1; }
note() { echo "fetch-kernel: $*" >&2; }

(($# == 1)) || die "usage: fetch-kernel.sh CACHE_DIR"
cache=$(realpath -m "$1")
# shellcheck source=harness-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/harness-lib.sh"
ktest_require fetch-kernel apt-cache:apt apt-get:apt dpkg:dpkg depmod:kmod flock:util-linux

mkdir -p "$cache/kernel"
exec 9>"$cache/kernel/.lock"
flock 9

pkg_pattern='^linux-image-[0-9][0-9.]*-[0-9]+-cloud-amd64$'

resolve_package() {
  apt-cache depends linux-image-cloud-amd64 2>/dev/null |
    awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9.]+-[0-9]+-cloud-amd64$/ {print $2; exit}'
}

# The newest unpacked tree already in the cache, used when apt knows no package (no lists, offline).
cached_package() {
  find "$cache/kernel" -maxdepth 2 -name .complete -path '*/root-*' -printf '%h\n' 2>/dev/null |
    sed 's|.*/root-|linux-image-|' | sort -V | tail -n 1
}

pkg=${LBD_KTEST_KERNEL_PKG:-}
[[ -n $pkg ]] || pkg=$(resolve_package)
[[ -n $pkg ]] || pkg=$(cached_package)
if [[ -z $pkg ]]; then
  note "apt-cache knows no linux-image-cloud-amd64; running apt-get update"
  apt-get update -qq >/dev/null || die "apt-get update failed"
  pkg=$(resolve_package)
fi
[[ $pkg =~ $pkg_pattern ]] || die "cannot resolve the cloud kernel package (got '${pkg}')"

kv=${pkg#linux-image-}
kroot=$cache/kernel/root-$kv

if [[ ! -f $kroot/.complete ]]; then
  rm -rf "$kroot" "$cache/kernel/tmp-"*
  download=$(mktemp -d "$cache/kernel/tmp-XXXXXX")
  t0=$EPOCHREALTIME
  # apt warns that a download as root runs unsandboxed; that is expected here.
  if ! (cd "$download" && apt-get download -q "$pkg" 2>&1 | grep -v -e unsandboxed -e '^Get:' -e '^Fetched' >&2); then
    [[ -n $(compgen -G "$download/${pkg}_*.deb") ]] || die "apt-get download $pkg failed"
  fi
  deb=$(compgen -G "$download/${pkg}_*.deb" | head -n 1) || true
  [[ -n $deb ]] || die "apt-get download $pkg produced no .deb"
  t1=$EPOCHREALTIME
  dpkg -x "$deb" "$download/root"
  depmod -b "$download/root" "$kv"
  [[ -f $download/root/boot/vmlinuz-$kv ]] || die "$deb has no /boot/vmlinuz-$kv"
  [[ -n $(find "$download/root/lib/modules/$kv" -name 'ip_vs.ko*' -print -quit) ]] ||
    die "$pkg has no ip_vs module"
  deb_mb=$(du -m "$deb" | cut -f1)
  basename "$deb" >"$download/root/.complete"
  mv "$download/root" "$kroot"
  rm -rf "$download"
  # A kernel that Debian has replaced is of no further use; keep one tree per build directory.
  find "$cache/kernel" -mindepth 1 -maxdepth 1 -type d -name 'root-*' ! -path "$kroot" -exec rm -rf {} +
  t2=$EPOCHREALTIME
  note "$(basename "$deb"): ${deb_mb} MB downloaded in" \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s, unpacked and indexed in" \
    "$(awk -v a="$t1" -v b="$t2" 'BEGIN{printf "%.1f", b-a}') s"
fi

env_tmp=$(mktemp "$cache/kernel.env.XXXXXX")
printf 'KV=%q\nKROOT=%q\nVMLINUZ=%q\n' "$kv" "$kroot" "$kroot/boot/vmlinuz-$kv" >"$env_tmp"
mv "$env_tmp" "$cache/kernel.env"
echo "$cache/kernel.env"

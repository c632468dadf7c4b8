#!/usr/bin/env bash
# deb-install-test.sh BUILD_DIR
# Builds lbd's Debian package from BUILD_DIR (cpack -G DEB) and proves that it installs on a clean
# Debian 12 and works there, without installing anything on this machine:
#   1. the package holds the binaries, unit, conffile, man pages and docs, and has computed Depends;
#   2. a minimal bookworm root (mmdebstrap --variant=apt: the Essential packages and apt, plus
#      man-db for `man -w`) from this machine's configured Debian mirror, cached as a tarball in
#      BUILD_DIR/package-cache so only the first run pays for it, is unpacked into a scratch directory;
#   3. in a chroot, inside a private mount namespace (its /proc mount vanishes with it):
#      apt-get install ./lbd_*.deb with the dependencies from the mirror, `lbd --check
#      /etc/lbd/lbd.conf`, `lbctl --help`, `man -w` of each page, the service not enabled, then
#      apt-get purge removes it all;
#   4. the scratch directory is removed, also on failure.
# Prints the time each step took.
set -euo pipefail

die() {
  echo "FAIL: $*" >&2
  exit 1
}
(($# == 1)) || die "usage: deb-install-test.sh BUILD_DIR"
build=$(realpath "$1")
[[ $(id -u) -eq 0 ]] || die "needs root (mmdebstrap, chroot, mount)"
for tool in cpack mmdebstrap dpkg-deb dpkg-shlibdeps apt-config unshare chroot tar flock sha256sum; do
  command -v "$tool" >/dev/null || die "$tool is missing (install scripts/packages.txt)"
done
[[ -f $build/CPackConfig.cmake ]] || die "no $build/CPackConfig.cmake"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
t_start=$(now)

work=$(mktemp -d "$build/package-test.XXXXXX")
# --one-file-system: never follow a mount into the host, whatever happened in between.
trap 'rm -rf --one-file-system "$work"' EXIT

# --- 1. the package ------------------------------------------------------------------------------
t=$(now)
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/pkg" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; die "cpack failed"; }
debs=("$work"/pkg/lbd_*.deb)
[[ ${#debs[@]} -eq 1 && -f ${debs[0]} ]] || die "cpack made no single lbd_*.deb: ${debs[*]}"
deb=${debs[0]}
t_cpack=$(since "$t")
echo "built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB) in ${t_cpack}s"

contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/sbin/lbd ./usr/sbin/lbctl ./usr/sbin/lbd-ipvs ./lib/systemd/system/lbd.service \
  ./etc/lbd/lbd.conf ./usr/share/man/man8/lbd.8.gz ./usr/share/man/man8/lbctl.8.gz \
  ./usr/share/man/man8/lbd-ipvs.8.gz ./usr/share/man/man5/lbd.conf.5.gz \
  ./usr/share/doc/lbd/operations.md ./usr/share/doc/lbd/lbd.conf.md; do
  grep -qxF "$f" <<<"$contents" || die "$f is not in the package"
done
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for lib in libc6 libstdc++6 libnl-genl-3-200 libcurl4 libsystemd0; do
  grep -q "\b$lib\b" <<<"$depends" || die "Depends lacks $lib (dpkg-shlibdeps did not run?)"
done
[[ $(dpkg-deb -I "$deb" conffiles) == /etc/lbd/lbd.conf ]] || die "conffiles is not /etc/lbd/lbd.conf"

# --- 2. a clean Debian 12 root -------------------------------------------------------------------
cache=$build/package-cache
mkdir -p "$cache"
sources=()
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
  [[ -f $f ]] && grep -qw bookworm "$f" && sources+=("$f")
done
((${#sources[@]} > 0)) || die "no bookworm source configured in /etc/apt"
# How this machine reaches its mirror (proxies, snapshot mirrors with expired Release dates) goes
# into the root too, so apt inside the chroot reaches it the same way.
aptconf=$work/apt.conf
: >"$aptconf"
for key in Acquire::Check-Valid-Until Acquire::Check-Date Acquire::http::Proxy Acquire::https::Proxy; do
  value=$(apt-config dump "$key" | awk -v k="$key" '$1 == k { v = $0; sub(/^[^ ]+ /, "", v); print v }')
  [[ -z $value ]] || echo "$key $value" >>"$aptconf"
done
include=man-db
# man-db's database is not needed for `man -w`; rebuilding it on every package install is slow.
# shellcheck disable=SC2016 # $1 is the root, expanded by mmdebstrap's hook shell
no_mandb='echo "man-db man-db/auto-update boolean false" | chroot "$1" debconf-set-selections'
stamp=$(cat "${sources[@]}" "$aptconf" <(echo "apt $include $no_mandb v2") | sha256sum | cut -c1-16)
base=$cache/bookworm-$stamp.tar
t=$(now)
exec 9>"$cache/.lock"
flock 9
if [[ -f $base ]]; then
  how=cached
else
  how=built
  rm -rf "$cache"/bookworm-*.tar "$cache"/*.partial
  echo "building a minimal Debian 12 root (once per build tree) from ${sources[*]}"
  # dpkg's many small writes and fsyncs make this I/O-bound: on a loaded machine a tmpfs work
  # directory takes it from minutes to about one. mmdebstrap removes its directory itself.
  tmp=${TMPDIR:-/tmp}
  if [[ $(stat -f -c %T /dev/shm 2>/dev/null) == tmpfs ]] &&
    (($(df -k --output=avail /dev/shm | tail -1) > 1048576)); then
    tmp=/dev/shm
  fi
  TMPDIR=$tmp mmdebstrap --quiet --format=tar --variant=apt --include="$include" --aptopt="$aptconf" \
    --essential-hook="$no_mandb" bookworm "$cache/base.tar.partial" "${sources[@]}" \
    </dev/null >"$work/mmdebstrap.log" 2>&1 || { cat "$work/mmdebstrap.log"; die "mmdebstrap failed"; }
  mv "$cache/base.tar.partial" "$base"
fi
flock -u 9
root=$work/root
mkdir "$root"
tar -C "$root" -xf "$base"
t_base=$(since "$t")
echo "clean bookworm root ($how) ready in ${t_base}s"

# --- 3. install and use the package in it --------------------------------------------------------
cp "$deb" "$root/tmp/"
cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
cat >"$root/tmp/inside.sh" <<'INSIDE'
set -eu
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
step() { echo "-- $*"; }
step "apt-get update"
apt-get update -q >/tmp/apt.log 2>&1 || { cat /tmp/apt.log; exit 1; }
step "apt-get install ./lbd_*.deb"
apt-get install -y -q --no-install-recommends /tmp/lbd_*.deb >/tmp/apt.log 2>&1 || { cat /tmp/apt.log; exit 1; }
dpkg-query -W -f='${Package} ${Version} ${Status}\n' lbd
step "lbd --check /etc/lbd/lbd.conf"
lbd --check /etc/lbd/lbd.conf
lbd --version
step "lbctl --help"
lbctl --help >/dev/null
step "man -w"
for page in "8 lbd" "8 lbctl" "8 lbd-ipvs" "5 lbd.conf"; do
  # shellcheck disable=SC2086 # section and name are two words
  man -w $page
done
step "the service is installed but neither enabled nor started"
test -f /lib/systemd/system/lbd.service
test ! -e /etc/systemd/system/multi-user.target.wants/lbd.service
dpkg-query -W -f='${Conffiles}\n' lbd | grep -q '/etc/lbd/lbd.conf'
step "apt-get purge lbd"
apt-get purge -y -q lbd >/tmp/apt.log 2>&1 || { cat /tmp/apt.log; exit 1; }
test ! -e /usr/sbin/lbd
test ! -e /etc/lbd/lbd.conf
echo "inside: all checks passed"
INSIDE
t=$(now)
# shellcheck disable=SC2016 # $1 is expanded by the inner shell
unshare --mount --propagation private -- sh -c 'mount -t proc proc "$1/proc" && exec chroot "$1" /bin/sh /tmp/inside.sh' \
  sh "$root" || die "the package does not install or work on a clean Debian 12 (see above)"
t_install=$(since "$t")

echo "package test: cpack ${t_cpack}s, clean root ${t_base}s ($how), install and checks ${t_install}s," \
  "total $(since "$t_start")s"

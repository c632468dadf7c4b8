#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# deb-install-test.sh SOURCE_DIR BUILD_DIR
# Builds lbd's Debian package from debian/ as a distribution would, and proves that it is clean and
# installs, works and purges on a clean Debian 12, without installing anything on this machine:
#   1. the source tree (the files git knows of, as they are in the work tree) is copied to
#      BUILD_DIR/package-build/lbd, so nothing is written next to the repository; there
#      `dpkg-source -b` makes the source package and `dpkg-buildpackage -us -uc -b` the binary one
#      (DEB_BUILD_OPTIONS from the environment, parallel=2 unless it sets parallel=; through ccache
#      when it is installed, so a rebuild is quick);
#   2. lintian on the .dsc and the .changes: its whole output is printed, any error or warning fails;
#   3. the .deb holds the binaries, unit, example configuration, man pages and docs, nothing in
#      /etc, no conffile, and has computed Depends;
#   4. a minimal bookworm root (mmdebstrap --variant=apt: the Essential packages and apt, plus
#      man-db for `man -w`) from this machine's configured Debian mirror, cached as a tarball in
#      BUILD_DIR/package-cache so only the first run pays for it, is unpacked into a scratch directory;
#   5. in a chroot, inside a private mount namespace (its /proc mount vanishes with it):
#      apt-get install ./lbd_*.deb with the dependencies from the mirror; the example is installed
#      and passes `lbd --check`, /etc/lbd/lbd.conf does not exist and the unit will not start without
#      it; `lbctl --help`, `man -w` of each page; the operator's copy of the example checks; then
#      apt-get purge leaves none of the package's files, /etc/lbd or the unit's enablement behind;
#   6. the source copy and the scratch directory are removed, also on failure. The built packages
#      and lintian's report stay in BUILD_DIR/package-build.
# Prints the time each step took.
set -euo pipefail

die() {
  echo "FAIL: $*" >&2
  exit 1
}
(($# == 2)) || die "usage: deb-install-test.sh SOURCE_DIR BUILD_DIR"
src=$(realpath "$1")
build=$(realpath "$2")
[[ $(id -u) -eq 0 ]] || die "needs root (mmdebstrap, chroot, mount)"
for tool in git dpkg-source dpkg-buildpackage dh lintian mmdebstrap dpkg-deb apt-config unshare chroot \
  tar flock sha256sum; do
  command -v "$tool" >/dev/null || die "$tool is missing (install scripts/packages.txt)"
done
[[ -f $src/debian/control ]] || die "no $src/debian/control"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
t_start=$(now)

# A fixed path, so ccache recognises the objects of the previous run (the path is in the flags).
out=$build/package-build
copy=$out/lbd
work=$(mktemp -d "$build/package-test.XXXXXX")
# --one-file-system: never follow a mount into the host, whatever happened in between.
trap 'rm -rf --one-file-system "$work" "$copy"' EXIT

# --- 1. the packages -----------------------------------------------------------------------------
t=$(now)
rm -rf --one-file-system "$out"
mkdir -p "$copy"
# Tracked and untracked-but-not-ignored files, as they are now; files deleted in the work tree are
# left out. The build directories are ignored, so they are not copied into themselves.
git -C "$src" ls-files -z --cached --others --exclude-standard |
  (cd "$src" && while IFS= read -r -d '' f; do [[ -e $f || -L $f ]] && printf '%s\0' "$f"; done) |
  tar -C "$src" --null -T - -cf - | tar -C "$copy" -xf -
t_copy=$(since "$t")
echo "source tree copied to $copy in ${t_copy}s"

# No maintainer script may drive systemd itself: debhelper's snippets enable, start and stop.
for f in "$copy"/debian/*.preinst "$copy"/debian/*.postinst "$copy"/debian/*.prerm "$copy"/debian/*.postrm \
  "$copy"/debian/preinst "$copy"/debian/postinst "$copy"/debian/prerm "$copy"/debian/postrm; do
  [[ -f $f ]] || continue
  ! grep -n 'systemctl\|deb-systemd' "$f" || die "$(basename "$f") drives systemd by hand"
  grep -q '^#DEBHELPER#$' "$f" || die "$(basename "$f") lacks #DEBHELPER#"
done

t=$(now)
(cd "$out" && dpkg-source -b lbd) >"$out/dpkg-source.log" 2>&1 || { cat "$out/dpkg-source.log"; die "dpkg-source -b failed"; }
t_source=$(since "$t")
echo "source package built in ${t_source}s: $(cd "$out" && echo *.dsc)"

t=$(now)
launcher=()
command -v ccache >/dev/null && launcher=(CMAKE_CXX_COMPILER_LAUNCHER=ccache)
# DEB_BUILD_OPTIONS from the caller is kept (`noopt` compiles much faster on a loaded machine).
options=${DEB_BUILD_OPTIONS:-}
[[ $options == *parallel=* ]] || options="$options parallel=2"
echo "DEB_BUILD_OPTIONS=\"${options# }\"${launcher[*]:+, ${launcher[*]}}"
# At a lower priority: in the suite it compiles beside the kernel tests, whose QEMU guests run one at
# a time and are the suite's longest chain; at equal priority each guest ran 1.5 times slower.
(cd "$copy" && env DEB_BUILD_OPTIONS="${options# }" "${launcher[@]}" nice -n 10 dpkg-buildpackage -us -uc -b) \
  >"$out/dpkg-buildpackage.log" 2>&1 ||
  { tail -100 "$out/dpkg-buildpackage.log"; die "dpkg-buildpackage failed (log: $out/dpkg-buildpackage.log)"; }
t_build=$(since "$t")
debs=("$out"/lbd_*.deb)
changes=("$out"/lbd_*.changes)
dscs=("$out"/lbd_*.dsc)
[[ ${#debs[@]} -eq 1 && -f ${debs[0]} ]] || die "dpkg-buildpackage made no single lbd_*.deb: ${debs[*]}"
[[ -f ${changes[0]} && -f ${dscs[0]} ]] || die "no .changes or .dsc in $out"
deb=${debs[0]}
echo "built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB) in ${t_build}s"

# --- 2. lintian ----------------------------------------------------------------------------------
t=$(now)
echo "lintian --fail-on error,warning --display-info $(basename "${dscs[0]}") $(basename "${changes[0]}"):"
set +e
lintian --fail-on error,warning --display-info "${dscs[0]}" "${changes[0]}" >"$out/lintian.log" 2>&1
lintian_rc=$?
set -e
sed 's/^/  | /' "$out/lintian.log"
t_lintian=$(since "$t")
((lintian_rc == 0)) || die "lintian found errors or warnings (rc $lintian_rc), see above"
echo "lintian: no error or warning (${t_lintian}s)"

# --- 3. the package's contents -------------------------------------------------------------------
contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/sbin/lbd ./usr/sbin/lbctl ./usr/sbin/lbd-ipvs ./lib/systemd/system/lbd.service \
  ./usr/lib/sysusers.d/lbd.conf ./usr/share/doc/lbd/examples/lbd.conf ./usr/share/man/man8/lbd.8.gz ./usr/share/man/man8/lbctl.8.gz \
  ./usr/share/man/man8/lbd-ipvs.8.gz ./usr/share/man/man5/lbd.conf.5.gz ./usr/share/doc/lbd/copyright \
  ./usr/share/doc/lbd/changelog.gz ./usr/share/doc/lbd/operations.md.gz ./usr/share/doc/lbd/lbd.conf.md.gz; do
  grep -qxF "$f" <<<"$contents" || die "$f is not in the package"
done
for rules in "$src"/docs/prometheus/*.yml; do
  [[ -f $rules ]] || continue
  grep -qxF "./usr/share/lbd/prometheus/$(basename "$rules")" <<<"$contents" ||
    die "the alert rules $(basename "$rules") are not in /usr/share/lbd/prometheus"
done
! grep '^\./etc/.' <<<"$contents" || die "the package installs into /etc (the configuration is the operator's)"
conffiles=$(dpkg-deb -I "$deb" conffiles 2>/dev/null || true)
[[ -z $conffiles ]] || die "the package has conffiles: $conffiles"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for lib in libc6 libstdc++6 libnl-genl-3-200 libcurl4 libsystemd0; do
  grep -q "\b$lib\b" <<<"$depends" || die "Depends lacks $lib (dpkg-shlibdeps did not run?)"
done

# --- 4. a clean Debian 12 root -------------------------------------------------------------------
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

# --- 5. install, use and purge the package in it -------------------------------------------------
cp "$deb" "$root/tmp/"
cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
cat >"$root/tmp/inside.sh" <<'INSIDE'
set -eu
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
step() { echo "-- $*"; }
fail() { echo "FAIL: $*"; exit 1; }
step "apt-get update"
apt-get update -q >/tmp/apt.log 2>&1 || { cat /tmp/apt.log; exit 1; }
step "apt-get install ./lbd_*.deb"
apt-get install -y -q --no-install-recommends /tmp/lbd_*.deb >/tmp/apt.log 2>&1 || { cat /tmp/apt.log; exit 1; }
dpkg-query -W -f='${Package} ${Version} ${Status}\n' lbd
dpkg -L lbd >/tmp/lbd.files
step "the example is installed and checks; there is no live configuration"
example=/usr/share/doc/lbd/examples/lbd.conf
lbd --check "$example"
lbd --version
test ! -e /etc/lbd || fail "the package created /etc/lbd"
test -z "$(dpkg-query -W -f='${Conffiles}' lbd)" || fail "lbd has conffiles"
step "the service is enabled but does not start without /etc/lbd/lbd.conf"
unit=/lib/systemd/system/lbd.service
grep -qx 'ConditionPathExists=/etc/lbd/lbd.conf' "$unit" || fail "the unit starts without a configuration"
test -L /etc/systemd/system/multi-user.target.wants/lbd.service || fail "the unit is not enabled"
step "lbctl --help"
lbctl --help >/dev/null
step "man -w"
for page in "8 lbd" "8 lbctl" "8 lbd-ipvs" "5 lbd.conf"; do
  # shellcheck disable=SC2086 # section and name are two words
  man -w $page
done
step "the operator's configuration, copied from the example"
mkdir -p /etc/lbd
install -m 0600 "$example" /etc/lbd/lbd.conf
lbd --check /etc/lbd/lbd.conf
# What the unit's StateDirectory and a drain leave behind.
mkdir -p -m 0700 /var/lib/lbd
echo '{"version": 1, "overrides": []}' >/var/lib/lbd/state.json
step "apt-get purge lbd"
apt-get purge -y -q lbd >/tmp/apt.log 2>&1 || { cat /tmp/apt.log; exit 1; }
left=0
while read -r f; do
  if [ -e "$f" ] && [ ! -d "$f" ]; then echo "left behind: $f"; left=1; fi
done </tmp/lbd.files
test "$left" = 0 || fail "purge left the package's files behind"
test ! -e /etc/lbd || fail "purge left /etc/lbd behind"
test ! -e /var/lib/lbd || fail "purge left /var/lib/lbd behind"
test ! -e /etc/systemd/system/multi-user.target.wants/lbd.service || fail "purge left the unit enabled"
if ls -A /var/lib/systemd/deb-systemd-helper-enabled 2>/dev/null | grep -q lbd ||
  find /var/lib/systemd/deb-systemd-helper-enabled /var/lib/systemd/deb-systemd-helper-masked \
    -name '*lbd*' 2>/dev/null | grep -q .; then
  fail "purge left deb-systemd-helper state for lbd behind"
fi
echo "inside: all checks passed"
INSIDE
t=$(now)
# shellcheck disable=SC2016 # $1 is expanded by the inner shell
unshare --mount --propagation private -- sh -c 'mount -t proc proc "$1/proc" && exec chroot "$1" /bin/sh /tmp/inside.sh' \
  sh "$root" || die "the package does not install, work or purge on a clean Debian 12 (see above)"
t_install=$(since "$t")

echo "package test: copy ${t_copy}s, dpkg-source ${t_source}s, dpkg-buildpackage ${t_build}s," \
  "lintian ${t_lintian}s, clean root ${t_base}s ($how), install/checks/purge ${t_install}s," \
  "total $(since "$t_start")s"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs every Debian package lbd needs (build, all test tiers, demo), then configures and builds.
# Idempotent: run it as often as you like.
#   scripts/setup.sh                 release build in build/ (gcc)
#   scripts/setup.sh --sanitize      ASan+UBSan build with clang, clang-tidy and fuzzers in build-asan/
#   scripts/setup.sh --tsan          ThreadSanitizer build with clang in build-tsan/ (unit and netns tiers)
#   scripts/setup.sh --no-build      packages only
#   scripts/setup.sh --no-install    build only (the packages are already there)
set -euo pipefail
cd "$(dirname "$0")/.."

mode=release
build=1
install=1
for arg in "$@"; do
  case "$arg" in
    --sanitize) mode=sanitize ;;
    --tsan) mode=tsan ;;
    --no-build) build=0 ;;
    --no-install) install=0 ;;
    *) echo "setup.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done

if [ "$(id -u)" -ne 0 ]; then
  echo "setup.sh: run as root (it installs Debian packages, and the tests create network namespaces)" >&2
  exit 1
fi

plain=() norec=()
while read -r line; do
  case "$line" in
    ''|'#'*) ;;
    norec:*) norec+=("${line#norec:}") ;;
    *) plain+=("$line") ;;
  esac
done < scripts/packages.txt

if [ "$install" -eq 1 ]; then
  export DEBIAN_FRONTEND=noninteractive
  echo "== installing Debian packages (${#plain[@]} + ${#norec[@]})"
  apt-get update -q
  # frr's and conntrackd's packages enable and start a system-wide daemon where systemd runs (FRR;
  # conntrackd syncing over multicast with its example configuration); the tests run daemons of
  # their own and want no other. A first install leaves the unit masked (invoke-rc.d starts no masked
  # unit; `systemctl unmask frr` to run one); an installed package stays as it is.
  for daemon in frr conntrackd; do
    daemon_status=$(dpkg-query -W -f '${Status}' "$daemon" 2>/dev/null || true)
    if [ -d /run/systemd/system ] && [ "$daemon_status" != "install ok installed" ]; then
      systemctl mask "$daemon.service"
    fi
  done
  apt-get install -y -q "${plain[@]}"
  apt-get install -y -q --no-install-recommends "${norec[@]}"
fi

[ "$build" -eq 1 ] || exit 0

jobs=$(nproc)
# The sanitizer builds compile each target's sources eight at a time (LBD_UNITY): the headers they
# share are parsed, instantiated and optimised once per batch, which takes about half off these
# builds. The release build and the package build compile every file on its own, so a file that
# lacks an #include of its own still fails there.
if [ "$mode" = sanitize ]; then
  dir=build-asan
  echo "== configuring $dir (clang, ASan+UBSan, clang-tidy, fuzzers)"
  CXX=clang++ cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DLBD_SANITIZE=ON -DLBD_FUZZ=ON -DLBD_CLANG_TIDY=ON -DLBD_UNITY=ON
elif [ "$mode" = tsan ]; then
  dir=build-tsan
  echo "== configuring $dir (clang, ThreadSanitizer)"
  CXX=clang++ cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLBD_TSAN=ON -DLBD_UNITY=ON
else
  dir=build
  echo "== configuring $dir (release)"
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
echo "== building $dir"
cmake --build "$dir" -j "$jobs"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# README command 1: a director pair you can watch working.
#
# Installs the Debian packages (scripts/setup.sh), builds lbd and lbctl, then boots a throwaway QEMU
# guest with Debian's cloud kernel (real IPVS; the host kernel needs none) in which network namespaces
# play two directors running lbd, three web servers and a client. The story is narrated as it runs, with
# `lbctl status` at every step:
#   1. requests through the VIP alternate between the real servers
#   2. a real server dies and lbd removes it
#   3. it comes back and is re-added after its `rise` good checks
#   4. the MASTER director crashes while the client keeps sending requests; the BACKUP takes over
#      (how long it took, how many requests failed)
#   5. a configuration reload adds a real server, with no VRRP transition
# Exits 0 only when every step succeeded. Everything runs inside the guest, which is thrown away:
# nothing is left on the host but the build tree (the kernel and the guest's console log are kept
# in build/kernel-cache and build/demo/serial.log).
# The same story, asserted for NAT and DR, is the kernel test tier's kernel_e2e_nat / kernel_e2e_dr.
#
# scripts/demo.sh --anycast: the second act, active/active. Three directors each run lbd and BIRD 2;
# an upstream BIRD router spreads the client's flows over them by ECMP. All three carry traffic; one
# director's lbd is killed, then restarted, one loses its link, one's checks fail, one stops
# gracefully: which routes leave the router, how fast, and how many established connections
# survive each time (kernel_anycast asserts the same).
set -euo pipefail
cd "$(dirname "$0")/.."

act=pair
case ${1:-} in
  "") ;;
  --anycast) act=anycast ;;
  *)
    echo "usage: scripts/demo.sh [--anycast]" >&2
    exit 2
    ;;
esac

t0=$EPOCHREALTIME
scripts/setup.sh --no-build
# The build setup.sh makes (same directory and options), but only the programs the demo runs: the
# test binaries are for command 2 (the second act's client is one of them).
build=build
echo "== configuring and building lbd and lbctl in $build/"
work=$build/demo
cmake -S . -B $build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
targets=(lbd lbctl)
[[ $act == pair ]] || targets+=(flow_client)
cmake --build $build -j "$(nproc)" --target "${targets[@]}"

echo "== preparing the guest: Debian's cloud kernel (downloaded once with apt-get) and its initramfs"
tests/kernel/harness/prepare.sh $build/kernel-cache

status=0
if [[ $act == pair ]]; then
  echo "== booting the guest (QEMU, software emulation): the director pair's story, NAT"
  e2e=tests/kernel/e2e
  # The runner prefixes the guest's console with "| "; here the console is the show, so it goes.
  tests/kernel/harness/run-kernel-test.sh --name lbd-demo --cache $build/kernel-cache --work "$work" \
    --script $e2e/nat.sh --file $e2e/e2e-lib.sh --file $e2e/scenario.sh \
    --bin $build/src/daemon/lbd --bin $build/src/ctl/lbctl --timeout 600 |
    sed -u -e 's/^| //' || status=$?
else
  echo "== booting the guest (QEMU, software emulation): three active/active directors behind a BGP router"
  ac=tests/kernel/anycast
  work=$build/demo-anycast
  tests/kernel/harness/run-kernel-test.sh --name lbd-demo-anycast --cache $build/kernel-cache \
    --work "$work" --script $ac/anycast.sh --file $ac/anycast-lib.sh \
    --file tests/kernel/e2e/e2e-lib.sh --bin $build/src/daemon/lbd --bin $build/src/ctl/lbctl \
    --bin $build/tests/kernel/anycast/flow_client --bin /usr/sbin/bird --bin /usr/sbin/birdc \
    --memory 2048 --timeout 900 |
    sed -u -e 's/^| //' || status=$?
fi

wall=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", b - a }')
if [ "$status" -eq 0 ]; then
  echo "== demo finished: every step succeeded ($((wall / 60)) min $((wall % 60)) s including install and build)"
else
  echo "== demo FAILED (status $status): see the FAIL lines above and $work/serial.log" >&2
fi
exit "$status"

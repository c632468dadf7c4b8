#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# prepare.sh CACHE_DIR: the kernel_prepare fixture. Fetches the kernel and builds the base
# initramfs once per build tree (both are cached), so the first guest test does not pay for it.
set -Eeuo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
t0=$EPOCHREALTIME
"$here/fetch-kernel.sh" "$1" >/dev/null
t1=$EPOCHREALTIME
"$here/build-base.sh" "$1" >/dev/null
t2=$EPOCHREALTIME
# shellcheck source=/dev/null
. "$1/kernel.env"
echo "kernel_prepare: kernel $KV ready in $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s," \
  "base initramfs $(du -k "$1/base.img" | cut -f1) KiB ready in $(awk -v a="$t1" -v b="$t2" 'BEGIN{printf "%.1f", b-a}') s"

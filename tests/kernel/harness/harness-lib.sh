# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# harness-lib.sh: shared by the host-side harness scripts (sourced by bash).

# ktest_require WHO TOOL:PACKAGE...: fails with one clear message naming every missing tool and
# the Debian package that provides it. A kernel test never skips for want of a tool.
ktest_require() {
  local who=$1 missing=() t
  shift
  for t in "$@"; do
    command -v "${t%%:*}" >/dev/null || missing+=("${t%%:*} (Debian package ${t#*:})")
  done
  ((${#missing[@]} == 0)) && return 0
  echo "$who: FAIL: missing tools: ${missing[*]}" >&2
  exit 1
}

# ktest_copy_with_libs STAGE HOST_FILE GUEST_PATH [LIST]: copies HOST_FILE to STAGE/GUEST_PATH and
# every shared library ldd reports for it (the dynamic loader included) to the same path in STAGE.
# Libraries named in the file LIST (one guest path a line, as the base archive records them) are
# already in the guest and are skipped.
ktest_copy_with_libs() {
  local stage=$1 src=$2 dest=$3 have=${4:-/dev/null} lib
  mkdir -p "$stage$(dirname "$dest")"
  cp -L "$src" "$stage$dest"
  # ldd prints "name => /path (addr)" for libraries and "/lib64/ld-linux... (addr)" for the loader.
  while read -r lib; do
    [[ -n $lib && ! -e $stage$lib ]] || continue
    grep -qxF "$lib" "$have" && continue
    mkdir -p "$stage$(dirname "$lib")"
    cp -L "$lib" "$stage$lib"
  done < <(ldd "$src" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}')
}

# ktest_cpio_dir STAGE: a newc archive of STAGE (entries without a leading "./", owned by root).
ktest_cpio_dir() {
  (cd "$1" && find . -mindepth 1 -printf '%P\0' | LC_ALL=C sort -z |
    cpio --null --create --format=newc --owner=0:0 --quiet)
}

# ktest_cpio_char_nodes: a newc archive with /dev/console and /dev/null. Written by hand so that
# no device node has to exist on the host (mknod needs root and has no place in a build tree).
ktest_cpio_char_nodes() {
  _ktest_newc_entry 1 dev/console $((8#020600)) 5 1
  _ktest_newc_entry 2 dev/null $((8#020666)) 1 3
  _ktest_newc_entry 0 'TRAILER!!!' 0 0 0
}

# _ktest_newc_entry INO NAME MODE RDEV_MAJOR RDEV_MINOR: one data-less newc header + name, padded
# to 4 bytes as the format wants.
_ktest_newc_entry() {
  local ino=$1 name=$2 mode=$3 major=$4 minor=$5 namesize pad
  namesize=$((${#name} + 1))
  printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
    "$ino" "$mode" 0 0 1 0 0 0 0 "$major" "$minor" "$namesize" 0
  printf '%s\0' "$name"
  pad=$(((4 - (110 + namesize) % 4) % 4))
  ((pad == 0)) || head -c "$pad" /dev/zero
}

# ktest_pad_file FILE: zero-pads FILE to a multiple of 512 bytes. The kernel only looks for the
# next archive of a concatenated initramfs at a 4-byte aligned offset and skips zeros in between.
ktest_pad_file() {
  local size
  size=$(stat -c %s "$1")
  ((size % 512 == 0)) || head -c $((512 - size % 512)) /dev/zero >>"$1"
}

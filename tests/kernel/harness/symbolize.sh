#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# symbolize.sh SERIAL_LOG [HOST_BINARY]...
#
# The guest has no symbolizer, so sanitizer reports there show frames as "(/guest/path+0xOFFSET)".
# This resolves them on the host: a frame in /usr/local/bin/NAME against the HOST_BINARY named
# NAME (the unstripped build output), any other frame against the same path on the host (the
# guest's libraries are copies of the host's). Prints one line a frame; never fails the caller.
set -uo pipefail
export LC_ALL=C

log=$1
shift
declare -A host_of=()
for b in "$@"; do host_of[/usr/local/bin/$(basename "$b")]=$b; done

symbolizer=$(command -v llvm-symbolizer || command -v llvm-symbolizer-14 || true)
if [[ -z $symbolizer ]] && ! command -v addr2line >/dev/null; then
  echo "ktest: no llvm-symbolizer or addr2line on the host; frames left as offsets"
  exit 0
fi

resolve() {  # host-file offset -> "function at file:line[, inlined into ...]"
  if [[ -n $symbolizer ]]; then
    "$symbolizer" --obj="$1" --demangle "$2" 2>/dev/null
  else
    addr2line -f -i -C -e "$1" "$2" 2>/dev/null
  fi | awk 'NF == 0 {next} NR % 2 == 1 {fn = $0; next}
            {out = out (out == "" ? "" : ", inlined into ") fn " at " $0} END {print out}'
}

grep -aoE '#[0-9]+ 0x[0-9a-f]+ +(in [^(]+ )?\(/[^ ()+]+\+0x[0-9a-f]+\)' "$log" |
  sed -E 's/^#([0-9]+) .*\((\/[^ ()+]+)\+(0x[0-9a-f]+)\)$/\1 \2 \3/' |
  while read -r frame guest_path offset; do
    host=${host_of[$guest_path]:-$guest_path}
    [[ $frame == 0 ]] && echo "ktest: sanitizer frames resolved on the host:"
    if [[ -f $host ]]; then
      echo "  #$frame $(basename "$guest_path")+$offset: $(resolve "$host" "$offset")"
    else
      echo "  #$frame $guest_path+$offset: (no host file)"
    fi
  done
exit 0

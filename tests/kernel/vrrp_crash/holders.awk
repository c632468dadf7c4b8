# SPDX-License-Identifier: GPL-2.0-or-later
# Who holds the VIP, from the stamped `ip monitor address` lines of both directors.
# Input lines: "TIME DIRECTOR add|del" sorted by time (deletions first at equal times).
# -v a0=1 -v b0=0: holders at -v from (s); -v to (s) ends the window.
# Prints one line per moment with no holder ("gap START END") or two ("both START END") and a
# summary "summary gaps=N gap_ms=MAX both=N both_ms=TOTAL".
BEGIN { h["a"] = a0; h["b"] = b0; state = a0 + b0; start = from }
function close_at(now) {
  if (now <= start) return
  if (state == 0) { gaps++; d = (now - start) * 1000; if (d > gmax) gmax = d; printf "gap %.2f %.2f\n", start, now }
  if (state == 2) { boths++; d = (now - start) * 1000; btot += d; printf "both %.2f %.2f\n", start, now }
}
$1 < from || $1 > to { next }
{
  h[$2] = ($3 == "add")
  s = h["a"] + h["b"]
  if (s != state) {
    if (state != 1) close_at($1)
    state = s
    start = $1
  }
}
END {
  if (state != 1) close_at(to)
  printf "summary gaps=%d gap_ms=%d both=%d both_ms=%d\n", gaps, gmax, boths, btot
}

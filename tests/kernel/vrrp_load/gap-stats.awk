# SPDX-License-Identifier: GPL-2.0-or-later
# gap-stats.awk: summary of the sorted gaps (ms, one per line) that gaps.awk printed:
#   "max=MS p99=MS over150=N gaps=N" (p99: the nearest-rank 99th percentile).
{ g[NR] = $1 + 0; if ($1 + 0 > 150) over++ }
END {
  if (NR == 0) { print "max=n/a p99=n/a over150=0 gaps=0"; exit }
  r = int(NR * 0.99 + 0.999999); if (r < 1) r = 1; if (r > NR) r = NR
  printf "max=%.1f p99=%.1f over150=%d gaps=%d\n", g[NR], g[r], over + 0, NR
}

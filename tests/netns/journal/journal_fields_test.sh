#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A private systemd-journald in a mount namespace of its own: tmpfs over /run/systemd, /run/log and
# /var/log/journal and a journald.conf of ours bound over the system's, so a journald the host runs
# is never touched. journal_probe runs under systemd-cat (which connects its stderr to the journal's
# stream); its entry must be found by `journalctl -D DIR LBD_SERVER=...` with
# lbd's fields. Then the same probe with stderr on a pipe must not take the journal path.
# usage: journal_fields_test.sh JOURNAL_PROBE
set -eu
probe=$1
for tool in unshare systemd-cat journalctl; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool not installed"; exit 1; }
done
journald=/lib/systemd/systemd-journald
[ -x "$journald" ] || { echo "FAIL: $journald not installed"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "FAIL: needs root (mount namespace)"; exit 1; }

if [ "${JOURNAL_TEST_INSIDE:-}" != 1 ]; then
  exec env JOURNAL_TEST_INSIDE=1 unshare --mount --propagation private "$0" "$@"
fi

work=$(mktemp -d /tmp/lbd-journal-test.XXXXXX)
jpid=""
cleanup() {
  [ -n "$jpid" ] && kill "$jpid" 2>/dev/null && wait "$jpid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# /var/log/journal is covered only where it exists: creating it would make the host's journal
# persistent. Without it, journald keeps its files under /run/log/journal, our tmpfs.
for d in /run/systemd /run/log /var/log/journal; do
  [ -d "$d" ] || [ "$d" = /var/log/journal ] || mkdir -p "$d"
  [ -d "$d" ] && mount -t tmpfs tmpfs "$d"
done
mkdir -p /run/systemd/journal
printf '[Journal]\nStorage=volatile\nReadKMsg=no\nForwardToSyslog=no\nForwardToWall=no\n' >"$work/journald.conf"
[ -f /etc/systemd/journald.conf ] && mount --bind "$work/journald.conf" /etc/systemd/journald.conf

"$journald" >"$work/journald.log" 2>&1 &
jpid=$!
deadline=$(( $(date +%s) + 10 ))
until [ -S /run/systemd/journal/stdout ] && [ -S /run/systemd/journal/socket ]; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "FAIL: journald did not start"; cat "$work/journald.log"; exit 1; }
  sleep 0.05
done

server=10.0.1.11:8080
# systemd-cat connects stderr to the journal's stream socket; systemd 252's does not set
# JOURNAL_STREAM (the service manager does), so the wrapper sets it as the service manager would:
# the device and inode of that socket.
# shellcheck disable=SC2016
systemd-cat -t lbd-probe sh -c 'JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/2) exec "$0" "$1"' "$probe" "$server" ||
  { echo "FAIL: the probe did not take the journal path"; exit 1; }

# Wait (bounded) until journald has stored the entry.
out=""
deadline=$(( $(date +%s) + 10 ))
while :; do
  dir=$(ls -d /run/log/journal/*/ 2>/dev/null | head -1 || true)
  if [ -n "$dir" ]; then
    out=$(journalctl -D "$dir" --no-pager -o export "LBD_SERVER=$server" 2>/dev/null || true)
    [ -n "$out" ] && break
  fi
  [ "$(date +%s)" -lt "$deadline" ] || break
  sleep 0.1
done
[ -n "$out" ] || { echo "FAIL: journalctl -D $dir LBD_SERVER=$server found nothing"; journalctl -D "$dir" -o export --no-pager 2>&1 | tail -40; exit 1; }

fail=0
for want in "MESSAGE=service[web]: real server $server down (connection refused)" PRIORITY=5 SYSLOG_IDENTIFIER=lbd \
    LBD_SERVICE=web LBD_EVENT=server_down "LBD_REASON=connection refused" "LBD_SERVER=$server" _TRANSPORT=journal; do
  if printf '%s\n' "$out" | grep -qxF "$want"; then
    echo "ok: $want"
  else
    echo "FAIL: no $want in the entry"; fail=1
  fi
done
[ "$fail" = 0 ] || { printf '%s\n' "$out"; exit 1; }

# The example query of docs/operations.md.
journalctl -D "$dir" --no-pager SYSLOG_IDENTIFIER=lbd LBD_EVENT=server_down | grep -qF "real server $server down" ||
  { echo "FAIL: journalctl SYSLOG_IDENTIFIER=lbd LBD_EVENT=server_down"; exit 1; }
echo "ok: query by LBD_EVENT"

# JOURNAL_STREAM inherited but stderr elsewhere (a pipe): stderr lines, not the journal.
rc=0
text=$(JOURNAL_STREAM=1:1 "$probe" "$server" 2>&1) || rc=$?
[ "$rc" = 3 ] || { echo "FAIL: probe with stderr on a pipe: rc $rc"; exit 1; }
printf '%s\n' "$text" | grep -qF "<5>service[web]: real server $server down" ||
  { echo "FAIL: no <5> line on stderr: $text"; exit 1; }
echo "ok: stderr fallback"
echo "1 passed, 0 failed"

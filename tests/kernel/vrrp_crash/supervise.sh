# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# supervise.sh PIDFILE NORESTART NS STATE_DIR LBD ARGS...: what systemd does with lbd.service
# (Restart=on-failure, RestartSec=100ms, ExecStopPost=lbd --release-vips), for a guest without
# systemd. lbd runs in namespace NS with its PID in PIDFILE; whenever it ends, the VIPs it added are
# released; it is started again if it failed, unless the file NORESTART exists.
pidfile=$1 norestart=$2 ns=$3 state_dir=$4
shift 4
echo $$ >"$pidfile.supervisor"
while :; do
  # shellcheck disable=SC2016 # $$ and $@ belong to the inner shell
  /usr/sbin/ip netns exec "$ns" /bin/sh -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" --state-dir "$state_dir"
  rc=$?
  echo "supervisor: lbd exited with status $rc; running lbd --release-vips"
  /usr/sbin/ip netns exec "$ns" "$1" --release-vips --state-dir "$state_dir" 2>&1
  [ "$rc" -ne 0 ] && [ ! -e "$norestart" ] || break
  sleep 0.1 # RestartSec=100ms: the restart policy, not a wait for anything
  echo "supervisor: restarting lbd"
done

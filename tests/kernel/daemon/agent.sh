# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# shellcheck disable=SC2154 # PID_d1, W, VIP, LBCTL: set by daemon.sh, which sources this file
# kernel_daemon, phase (i): the agent check against real IPVS, sourced by daemon.sh with its
# helpers and d1 MASTER over rs1..rs3. rs1 gets weight 100 and an agent: busybox nc in rs1's
# namespace answering each connection with the line in $W/agent.reply. Each reply kind is written
# there and the kernel's table read until it shows the result: weight, drain (weight 0, kept),
# ready, maint (out, as a failed server under on_failure = drain), maxconn (upper threshold), an
# agent gone (as the checks say). Then d1 goes back to its configuration without the agent.
AGENT_RS=10.30.0.11
reply() { echo "$1" >"$W/agent.reply"; }
weight_is() { [ "$(weight_of d1 $AGENT_RS)" = "$1" ]; }
upper_of() {
  kt_in d1 /usr/sbin/ipvsadm -Ln --thresholds -t "$VIP:80" 2>/dev/null | awk -v a="$AGENT_RS:80" '$2 == a {print $3}'
}
upper_is() { [ "$(upper_of)" = "$1" ]; }
lacks_agent_rs() { ! has_dest d1 $AGENT_RS; }
services_say() { $LBCTL -s /run/lbd-d1.sock services 2>&1 | grep -qF "$1"; }
# expect_weight REPLY WEIGHT: the agent says REPLY; the kernel's weight of rs1 becomes WEIGHT.
expect_weight() {
  reply "$1"
  if kt_wait_for 10 weight_is "$2"; then
    kt_pass "agent '$1': kernel weight of rs1 $2"
  else
    kt_fail "agent '$1': kernel weight of rs1 '$(weight_of d1 $AGENT_RS)', expected $2"
  fi
}

reply up
kt_spawn agent rs1 nc -ll -p 8081 -e cat "$W/agent.reply"
kt_wait_for 5 kt_listening rs1 8081 || kt_die "the agent does not listen in rs1"
conf d1 150 10.30.0.4 keep 10.30.0.12 10.30.0.13 >"$W/d1.conf"
printf '[[virtual_server.real_server]]\naddress = "%s:80"\nweight = 100\n%s\n' $AGENT_RS \
  'agent = { port = 8081, send = "state\n", interval = "1s", timeout = "800ms" }' >>"$W/d1.conf"
kill -HUP "$PID_d1"
kt_check "reload with the agent: rs1 at weight 100" kt_wait_for 15 weight_is 100
expect_weight "75%" 75
kt_check "lbctl services: agent: 75% (weight 75 of 100)" services_say "agent: 75% (weight 75 of 100)"
expect_weight "drain" 0
kt_check "drain keeps rs1 in the table" has_dest d1 $AGENT_RS
kt_check "lbctl services: agent: drain" services_say "agent: drain"
# ready cancels drain; the agent's last percentage (75%) still holds, as in HAProxy.
expect_weight "ready" 75
# maint takes rs1 out as a failed server under on_failure = drain: lbd no longer wants it (weight
# null in `services`), the kernel holds it at weight 0 until its connections (TIME_WAIT ones
# included) are gone, then deletes it.
reply "maint # kernel update"
unwanted() { [ "$(call d1 services '{}' /0/real_servers/2/weight)" = null ]; }
zero_or_gone() { lacks_agent_rs || weight_is 0; }
kt_check "agent 'maint': lbd wants rs1 out of the table" kt_wait_for 10 unwanted
kt_check "agent 'maint': the kernel's rs1 at weight 0 or deleted" kt_wait_for 10 zero_or_gone
kt_check "lbctl services: agent: maint" services_say "agent: maint (kernel update)"
expect_weight "ready 100%" 100
reply "maxconn:30"
if kt_wait_for 10 upper_is 30; then
  kt_pass "agent 'maxconn:30': the kernel's upper threshold of rs1 is 30"
else
  kt_fail "agent 'maxconn:30': upper threshold '$(upper_of)'"
fi
figure agent_thresholds "$(kt_in d1 /usr/sbin/ipvsadm -Ln --thresholds -t "$VIP:80" | tr '\n' '|')"
expect_weight "50%" 50
kt_stop agent
kt_check "agent gone: rs1 back at its configured weight, as its check says" kt_wait_for 10 weight_is 100
kt_check "lbctl services: agent unreachable" services_say "agent unreachable"
kt_check "agent events counted" metric_ge d1 lbd_agent_events_total 6
kt_expect_eq "malformed agent replies" 0 "$(metric d1 lbd_agent_malformed_replies_total)"
cp "$W/d1.good" "$W/d1.conf"
kill -HUP "$PID_d1"
kt_check "without the agent: rs1 back at weight 1" kt_wait_for 15 weight_is 1

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// lbctl's human output: the daemon's typed answers (status/answers.hpp, docs/control-protocol.md)
// turned into text an operator reads at a glance. Pure: the answer and the current time in, text
// out.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ctl/routing_sessions.hpp"
#include "ctl/view/text.hpp"
#include "status/answers.hpp"

namespace lbd::ctl::view {

// One row per VRRP instance: state, priority/effective, master, VIPs, last transition.
std::string vrrp(const std::vector<api::vrrp_instance>& instances, clock_point now);
// One row per anycast group: routes announced or withdrawn and why, live weight against the
// watermarks, since when.
std::string anycast(const std::vector<api::anycast_group>& groups, clock_point now);
// Below them: the routing daemon's BIRD or FRR sessions, one row each (state, since, info); one
// line when lbctl found no daemon or could not read its sessions.
std::string routing_daemon(const routing::report& r);
// ipvsadm-like: a line per virtual service, then "  -> server" rows with weight, health, connections,
// override and drain markers, and the reason a server is down.
std::string services(const std::vector<api::service>& services);
// One row per running health check.
std::string checks(const std::vector<api::check>& checks, clock_point now);
// "last reload: ok 5m ago (SIGHUP, /etc/lbd/lbd.conf): 1 IPVS op, ..." with the errors of a refused
// or partly applied one below; none: no reload since start.
std::string reload_line(const std::optional<api::reload_report>& report, clock_point now);
// `lbctl reload`: what the reload did, what went wrong applying it, or why it was refused.
std::string reload(const api::reload_report& report, clock_point now);
// `lbctl status`: header, VRRP table, anycast table (when there are groups), services table, last
// reload.
std::string status(const api::daemon_status& status, clock_point now);
// `lbctl drain|enable|weight`: the real servers the override touched, one line each.
std::string override_result(const std::vector<api::affected_server>& affected, std::string_view action);

}  // namespace lbd::ctl::view

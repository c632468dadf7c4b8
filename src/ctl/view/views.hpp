// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// lbctl's human output: the daemon's JSON answers (shapes documented in daemon/vrrp/vrrp_runtime.hpp,
// daemon/services/service_runtime.hpp and the control commands) turned into text an operator reads at a
// glance. Pure: the JSON and the current time in, text out. Unknown or missing fields print as
// blanks, never throw.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "ctl/view/text.hpp"

namespace lbd::ctl::view {

// One row per VRRP instance: state, priority/effective, master, VIPs, last transition.
std::string vrrp(const nlohmann::json& instances, clock_point now);
// ipvsadm-like: a line per virtual service, then "  -> server" rows with weight, health, connections,
// override and drain markers, and the reason a server is down.
std::string services(const nlohmann::json& services);
// One row per running health check.
std::string checks(const nlohmann::json& checks, clock_point now);
// "last reload: ok 5m ago (SIGHUP, /etc/lbd/lbd.conf): 1 IPVS op, ..." with the errors of a refused
// or partly applied one below; `report` may be null (no reload since start).
std::string reload_line(const nlohmann::json& report, clock_point now);
// `lbctl reload`: what the reload did, what went wrong applying it, or why it was refused.
std::string reload(const nlohmann::json& report, clock_point now);
// `lbctl status`: header, VRRP table, services table, last reload.
std::string status(const nlohmann::json& status, clock_point now);
// `lbctl drain|enable|weight`: the real servers the override touched, one line each.
std::string override_result(const nlohmann::json& affected, std::string_view action);

}  // namespace lbd::ctl::view

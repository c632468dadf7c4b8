// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The optional sub-tables of a [[vrrp]] instance: garp, tracking, notify, auth, routes and rules.
#include "config/sections.hpp"

namespace lbd::config::detail {

garp_settings read_garp(const table_reader& r);
std::vector<tracked_interface> read_track_interfaces(const table_reader& parent);
std::vector<track_script> read_track_scripts(const table_reader& parent);
vrrp_notify read_vrrp_notify(const table_reader& r);
// Routes and policy rules that follow the VIPs (read_vrrp_routes.cpp).
std::vector<netif::route_spec> read_virtual_routes(const table_reader& parent);
std::vector<netif::rule_spec> read_virtual_rules(const table_reader& parent);
// auth = { type = "pass", password = "..." }: returns the password.
std::optional<std::string> read_auth(const table_reader& r);

}  // namespace lbd::config::detail

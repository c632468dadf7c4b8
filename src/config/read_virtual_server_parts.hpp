// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Pieces of a [[virtual_server]]: its option sub-tables and its real servers.
#include "config/sections.hpp"

namespace lbd::config::detail {

scheduler_flags read_scheduler_flags(const table_reader& r, scheduler sched);
std::optional<tunnel_settings> read_tunnel(const table_reader& r);
std::optional<persistence_settings> read_persistence(const table_reader& r, address_family family, protocol proto);
std::optional<quorum_settings> read_quorum(const table_reader& r);
outlier_settings read_outlier_detection(const table_reader& r);
// slow_start of a service or a real server: "0s" (none) or a window of at least one second.
std::optional<duration> read_slow_start(const table_reader& r);
// An `agent` table; `base` is the service's, whose fields a real server's table overrides (and
// which `agent = false` turns off).
std::optional<healthcheck::agent_settings> read_agent(const value_reader& values, const toml::node& n,
                                                      const std::string& where,
                                                      const std::optional<healthcheck::agent_settings>& base);

// One [[virtual_server.real_server]] of `service` (whose own keys are already read).
parsed_real_server read_real_server(const value_reader& values, const toml::table& t, const std::string& where,
                                    const virtual_server& service);

}  // namespace lbd::config::detail

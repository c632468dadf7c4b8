// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// lbd.conf's resolved check of a real server -> the health-check subsystem's check. Pure.
#include <optional>

#include "config/model.hpp"
#include "healthcheck/check_spec.hpp"

namespace lbd::daemon {

// nullopt for `type = "none"`: the server has no check and is always up. The target is the check's
// connect_to, or the real server's address (script checks: the address their argv gets).
std::optional<healthcheck::check_spec> to_check_spec(const config::check_spec& check, const endpoint& server);

// The DNS response code by name ("NXDOMAIN" -> 3); nullopt for an unknown name.
std::optional<unsigned> dns_rcode(std::string_view name);

}  // namespace lbd::daemon

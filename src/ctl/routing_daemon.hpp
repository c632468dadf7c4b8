// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Asks the routing daemon on this director for its BGP sessions with its own command: `birdc -r
// show protocols` or `vtysh -c 'show bgp summary json'` (routing_sessions.hpp picks which and reads
// the answer).
#include <chrono>

#include "ctl/routing_sessions.hpp"

namespace lbd::ctl::routing {

// A daemon that does not answer within `timeout` is a report with an error, as is any failure: what
// lbctl shows next to lbd's answer never fails the command.
report query(const daemon_paths& paths, std::chrono::milliseconds timeout = std::chrono::seconds(2));

}  // namespace lbd::ctl::routing

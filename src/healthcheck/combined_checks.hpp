// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A real server with several checks is up only while every one of them is, as keepalived keeps a
// server with several checkers up only while none of them has failed. Pure: from the checks' own
// states to the one state the service policy, lbctl and the metrics see for the server.
#include <span>
#include <string>

#include "healthcheck/state.hpp"

namespace lbd::healthcheck {

struct labelled_state {
  std::string label;  // "check 2 (http)": names the check in the server's reason
  const server_state* state = nullptr;
};

// up while every check is; down while any is. current: down when any check's is, else pending when
// any has no result yet, else up. The reason (last->reason) names each failing check with its own
// reason ("check 2 (http): HTTP 500 from 10.0.1.11:80"), or says that all pass. The dynamic weight
// is the lowest any check reports (none reports one: none). Counts: those of the check that
// decides (the first failing one, else the first); probes: their sum; last_change: the latest.
server_state combine_checks(std::span<const labelled_state> checks);

// "check 2 (http)": the label of the check at `index` (from 0) of type `type`.
std::string check_label(std::size_t index, std::string_view type);

}  // namespace lbd::healthcheck

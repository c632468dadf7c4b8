// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What the agents of the real servers said, as the desired table and the status take it. Pure:
// the rule itself is healthcheck::combine_agent (agent_policy.hpp); this is where its result meets
// a destination (weight, upper threshold, the service's on_failure) and lbctl's words.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "daemon/services/overrides.hpp"
#include "healthcheck/agent_policy.hpp"

namespace lbd::daemon {

struct agent_input {
  std::optional<healthcheck::agent_state> state;  // none: no query has ended yet
  healthcheck::agent_unreachable when_unreachable = healthcheck::agent_unreachable::checks_only;
  std::string last_reason;  // the last query's outcome: "agent reply from ...: 50%", "timeout ..."
  friend bool operator==(const agent_input&, const agent_input&) = default;
};
using agent_inputs = std::map<server_ref, agent_input>;

// A destination its checks keep, after its agent.
struct agent_dest {
  bool up = true;  // false: the agent takes it out (maint, down, unreachable under "down")
  std::uint32_t weight = 0;
  std::uint32_t upper_threshold = 0;  // the agent's maxconn, else the configured one
};
agent_dest apply_agent(const agent_input& in, std::uint32_t weight, std::uint32_t configured_upper);

// For lbctl: "50% (weight 50 of 100)", "drain", "maint", "down (disk full)", "up",
// "unreachable", "pending" (no query ended yet).
std::string agent_summary(const agent_input& in, unsigned configured_weight);

// The kind of what the agent now makes of the server, for logs and lbd_agent_events_total:
// "maint", "down", "stopped", "fail", "unreachable", "drain", "weight", "maxconn" or "ready".
// `before` is the agent's previous verdict (combine_agent with the check up).
std::string agent_event(const agent_input& in, const healthcheck::effective_server& before,
                        const healthcheck::effective_server& after, unsigned configured_weight);

}  // namespace lbd::daemon

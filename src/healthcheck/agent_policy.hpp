// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What an agent check does to a real server, pure: the agent's state (each reply changes only
// what it mentions, as in HAProxy) and the rule that combines it with the server's health check
// and configured weight into the state and weight IPVS gets.
//
// The rule, in order:
//   1. The health check says down: down. An agent cannot bring up a server that fails its checks.
//   2. The agent is unreachable (no reply, or a reply not understood): by default the server is as
//      its checks say, at its configured weight (agent_unreachable::checks_only); configurable to
//      keep the agent's last state (HAProxy's way) or to mark the server down.
//   3. maint, or down / stopped / fail: down.
//   4. drain: up at weight 0, keeping its connections (draining).
//   5. Otherwise up, at the configured weight scaled by the percentage: rounded to the nearest
//      integer, halves up, at least 1 when both the percentage and the configured weight are above
//      0 (a server at 1% still gets a trickle, rounding never drains it), 0% is weight 0 (drain,
//      as HAProxy shows it), and at most max_ipvs_weight.
//   maxconn:N, whenever the server is up, becomes its IPVS upper threshold (0: no limit).
#include <cstdint>
#include <optional>
#include <string>

#include "healthcheck/agent_reply.hpp"
#include "healthcheck/agent_spec.hpp"

namespace lbd::healthcheck {

inline constexpr unsigned max_ipvs_weight = 65535;

// What the agent has said so far: a reply changes only the fields it carries.
struct agent_state {
  std::optional<unsigned> weight_percent;
  agent_admin admin = agent_admin::ready;
  agent_operational operational = agent_operational::up;
  std::optional<std::uint32_t> maxconn;
  std::string description;
  bool reachable = false;  // the last query got a reply understood
  friend bool operator==(const agent_state&, const agent_state&) = default;
};

// The state after a reply (reachable), or after a query that got none or one not understood
// (nullptr: unreachable, everything else kept).
agent_state apply_agent_reply(agent_state s, const agent_reply* reply);

struct effective_server {
  bool up = false;
  unsigned weight = 0;
  bool draining = false;                         // up at weight 0 at the agent's request
  std::optional<std::uint32_t> upper_threshold;  // IPVS u_threshold; nullopt or 0: no limit
  std::string why;                               // "check down", "agent: maint", "agent: 50%", ...
  friend bool operator==(const effective_server&, const effective_server&) = default;
};

// The weight `percent` of `configured` gives (rule 5).
unsigned scaled_weight(unsigned configured, unsigned percent);

// The rule above. `agent` nullopt: the server has no agent check (its checks alone decide).
effective_server combine_agent(bool check_up, const std::optional<agent_state>& agent, unsigned configured_weight,
                               agent_unreachable when_unreachable = agent_unreachable::checks_only);

}  // namespace lbd::healthcheck

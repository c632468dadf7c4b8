// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/agent_policy.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace lbd::healthcheck {

agent_state apply_agent_reply(agent_state s, const agent_reply* reply) {
  if (reply == nullptr) {
    s.reachable = false;
    return s;
  }
  s.reachable = true;
  if (reply->weight_percent) s.weight_percent = reply->weight_percent;
  if (reply->admin) s.admin = *reply->admin;
  if (reply->operational) s.operational = *reply->operational;
  if (reply->maxconn) s.maxconn = reply->maxconn;
  // A description belongs to the reply that carried it ("down#disk full"); the next one replaces it.
  s.description = reply->description;
  return s;
}

unsigned scaled_weight(unsigned configured, unsigned percent) {
  if (configured == 0 || percent == 0) return 0;
  const std::uint64_t w = (std::uint64_t{configured} * percent + 50) / 100;
  return static_cast<unsigned>(std::clamp<std::uint64_t>(w, 1, max_ipvs_weight));
}

effective_server combine_agent(bool check_up, const std::optional<agent_state>& agent, unsigned configured_weight,
                               agent_unreachable when_unreachable) {
  const unsigned configured = std::min(configured_weight, max_ipvs_weight);
  if (!check_up) return {false, 0, false, std::nullopt, "check down"};
  if (!agent) return {true, configured, false, std::nullopt, "check up"};
  if (!agent->reachable) {
    if (when_unreachable == agent_unreachable::checks_only) {
      return {true, configured, false, std::nullopt, "check up, agent unreachable"};
    }
    if (when_unreachable == agent_unreachable::down) return {false, 0, false, std::nullopt, "agent unreachable"};
  }
  const auto said = [&](std::string_view word) {
    return agent->description.empty() ? fmt::format("agent: {}", word)
                                      : fmt::format("agent: {} ({})", word, agent->description);
  };
  if (agent->admin == agent_admin::maint) return {false, 0, false, std::nullopt, said("maint")};
  if (agent->operational != agent_operational::up) {
    return {false, 0, false, std::nullopt, said(to_string(agent->operational))};
  }
  if (agent->admin == agent_admin::drain) return {true, 0, true, agent->maxconn, said("drain")};
  if (agent->weight_percent) {
    const unsigned w = scaled_weight(configured, *agent->weight_percent);
    return {true, w, w == 0, agent->maxconn, said(fmt::format("{}%", *agent->weight_percent))};
  }
  return {true, configured, false, agent->maxconn, said("up")};
}

}  // namespace lbd::healthcheck

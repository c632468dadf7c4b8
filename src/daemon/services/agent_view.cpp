// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/services/agent_view.hpp"

#include <fmt/format.h>

namespace lbd::daemon {

namespace hc = healthcheck;

agent_dest apply_agent(const agent_input& in, std::uint32_t weight, std::uint32_t configured_upper) {
  // The check is up here: a destination its checks failed never reaches the agent's rule.
  const auto eff = hc::combine_agent(true, in.state, weight, in.when_unreachable);
  return agent_dest{eff.up, eff.weight, eff.upper_threshold.value_or(configured_upper)};
}

std::string agent_summary(const agent_input& in, unsigned configured_weight) {
  if (!in.state) return "pending";
  const auto& s = *in.state;
  if (!s.reachable && in.when_unreachable != hc::agent_unreachable::keep_last) return "unreachable";
  const auto eff = hc::combine_agent(true, s, configured_weight, hc::agent_unreachable::keep_last);
  std::string out;
  if (s.admin == hc::agent_admin::maint) {
    out = "maint";
  } else if (s.operational != hc::agent_operational::up) {
    out = std::string(hc::to_string(s.operational));
  } else if (s.admin == hc::agent_admin::drain) {
    out = "drain";
  } else if (s.weight_percent) {
    out = fmt::format("{}% (weight {} of {})", *s.weight_percent, eff.weight, configured_weight);
  } else {
    out = "up";
  }
  if (eff.up && s.maxconn && *s.maxconn != 0) out += fmt::format(", maxconn {}", *s.maxconn);
  if (!s.description.empty()) out += fmt::format(" ({})", s.description);
  if (!s.reachable) out += ", unreachable";  // under "keep": the last state still counts
  return out;
}

std::string agent_event(const agent_input& in, const hc::effective_server& before, const hc::effective_server& after,
                        unsigned configured_weight) {
  if (in.state && !in.state->reachable) return "unreachable";
  if (!after.up) {
    if (in.state->admin == hc::agent_admin::maint) return "maint";
    return std::string(hc::to_string(in.state->operational));
  }
  if (after.draining) return "drain";
  if (after.weight != before.weight) return after.weight == configured_weight ? "ready" : "weight";
  if (after.upper_threshold != before.upper_threshold) return "maxconn";
  return "ready";
}

}  // namespace lbd::daemon

// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/policy.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace lbd::healthcheck {

std::string_view to_string(policy_event::kind k) {
  switch (k) {
    case policy_event::kind::server_up: return "server_up";
    case policy_event::kind::server_down: return "server_down";
    case policy_event::kind::quorum_up: return "quorum_up";
    case policy_event::kind::quorum_down: return "quorum_down";
    case policy_event::kind::weight_changed: return "weight_changed";
  }
  return "?";
}

std::vector<std::string> server_hook_argv(std::vector<std::string> command, std::string_view service,
                                          const endpoint& server, bool up, std::string_view reason) {
  command.insert(command.end(), {std::string(service), to_string(server), up ? "up" : "down", std::string(reason)});
  return command;
}

std::vector<std::string> quorum_hook_argv(std::vector<std::string> command, std::string_view service,
                                          unsigned live_weight, unsigned quorum) {
  command.insert(command.end(), {std::string(service), std::to_string(live_weight), std::to_string(quorum)});
  return command;
}

service_policy::service_policy(service_config cfg, health initial)
    : service_policy(std::move(cfg), std::vector<health>()) {
  for (auto& s : servers_) s.h = initial;
  quorum_ = live_weight() >= cfg_.quorum;
}

service_policy::service_policy(service_config cfg, const std::vector<health>& initial) : cfg_(std::move(cfg)) {
  servers_.assign(cfg_.servers.size(), server{health::down, std::nullopt});
  for (std::size_t i = 0; i < servers_.size() && i < initial.size(); ++i) servers_[i].h = initial[i];
  // The first decision has no history to be hysteretic about.
  quorum_ = live_weight() >= cfg_.quorum;
}

unsigned service_policy::effective_weight(std::size_t i) const {
  return servers_[i].dynamic_weight.value_or(cfg_.servers[i].weight);
}

unsigned service_policy::live_weight() const {
  unsigned sum = 0;
  for (std::size_t i = 0; i < servers_.size(); ++i) {
    if (servers_[i].h == health::up) sum += effective_weight(i);
  }
  return sum;
}

std::vector<policy_event> service_policy::on_server(const endpoint& address, health h,
                                                    std::optional<unsigned> dynamic_weight, std::string_view reason) {
  std::vector<policy_event> out;
  auto it = std::find_if(cfg_.servers.begin(), cfg_.servers.end(),
                         [&](const real_server_config& s) { return s.address == address; });
  if (it == cfg_.servers.end()) return out;
  auto& s = servers_[static_cast<std::size_t>(it - cfg_.servers.begin())];
  // The check's current dynamic weight (none: the configured one); it replaces the previous one,
  // it never adds to it.
  const unsigned configured = it->weight;
  const unsigned weight_before = s.dynamic_weight.value_or(configured);
  s.dynamic_weight = dynamic_weight;
  if (const unsigned weight_after = s.dynamic_weight.value_or(configured); weight_after != weight_before) {
    out.push_back(policy_event{policy_event::kind::weight_changed,
                               address,
                               fmt::format("weight {} -> {}: {}", weight_before, weight_after, reason),
                               {}});
  }
  if (s.h != h) {
    s.h = h;
    const bool up = h == health::up;
    policy_event e{
        up ? policy_event::kind::server_up : policy_event::kind::server_down, address, std::string(reason), {}};
    const auto& hook = up ? cfg_.notify_up : cfg_.notify_down;
    if (!hook.empty()) {
      e.hook_argv = server_hook_argv(hook, cfg_.name, address, up, reason);
    }
    out.push_back(std::move(e));
  }
  update_quorum(out);
  return out;
}

void service_policy::update_quorum(std::vector<policy_event>& out) {
  const unsigned live = live_weight();
  const unsigned lose_below = cfg_.quorum > cfg_.hysteresis ? cfg_.quorum - cfg_.hysteresis : 0;
  const unsigned regain_at = cfg_.quorum + cfg_.hysteresis;
  bool next = quorum_;
  if (quorum_ && live < lose_below) next = false;
  if (!quorum_ && live >= regain_at) next = true;
  if (next == quorum_) return;
  quorum_ = next;
  policy_event e{
      next ? policy_event::kind::quorum_up : policy_event::kind::quorum_down,
      std::nullopt,
      "live weight " + std::to_string(live) + (next ? " >= " : " < ") + std::to_string(next ? regain_at : lose_below),
      {}};
  const auto& hook = next ? cfg_.quorum_up : cfg_.quorum_down;
  if (!hook.empty()) {
    e.hook_argv = quorum_hook_argv(hook, cfg_.name, live, cfg_.quorum);
  }
  out.push_back(std::move(e));
}

desired_service service_policy::desired() const {
  desired_service d;
  for (std::size_t i = 0; i < servers_.size(); ++i) {
    if (servers_[i].h == health::up) {
      d.servers.push_back(desired_server{cfg_.servers[i].address, effective_weight(i), false});
    } else if (cfg_.on_failure == failure_action::drain) {
      d.servers.push_back(desired_server{cfg_.servers[i].address, 0, true});
    } else if (cfg_.on_failure == failure_action::inhibit) {
      d.servers.push_back(desired_server{cfg_.servers[i].address, 0, false, true});
    }
  }
  d.live_weight = live_weight();
  d.quorum = quorum_;
  d.sorry_active = !quorum_ && cfg_.sorry_server.has_value();
  return d;
}

}  // namespace lbd::healthcheck

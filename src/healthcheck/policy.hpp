// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Per virtual server policy, pure: from the health of its real servers to the desired set of real
// servers with weights, the sorry-server flag, and the events (with hook argv) to act on. The IPVS
// planner consumes `desired()`; the daemon runs the hooks through the process runner.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/address.hpp"
#include "healthcheck/failure_action.hpp"
#include "healthcheck/thresholds.hpp"

namespace lbd::healthcheck {

struct real_server_config {
  endpoint address;
  unsigned weight = 1;
};

struct service_config {
  std::string name;
  failure_action on_failure = failure_action::drain;
  // Quorum: the sum of live weights must reach `quorum`. Lost when it drops below
  // quorum - hysteresis; regained when it reaches quorum + hysteresis.
  unsigned quorum = 1;
  unsigned hysteresis = 0;
  std::optional<endpoint> sorry_server;
  std::vector<real_server_config> servers;
  // Hooks: argv prefixes. Server hooks get "<service> <server> up|down <reason>" appended,
  // quorum hooks "<service> <live weight> <quorum>".
  std::vector<std::string> notify_up;
  std::vector<std::string> notify_down;
  std::vector<std::string> quorum_up;
  std::vector<std::string> quorum_down;
};

struct desired_server {
  endpoint address;
  unsigned weight = 0;
  bool draining = false;   // failed, kept at weight 0 (on_failure = drain)
  bool inhibited = false;  // failed, kept at weight 0 until it is up again (on_failure = inhibit)
  friend bool operator==(const desired_server&, const desired_server&) = default;
};

struct desired_service {
  std::vector<desired_server> servers;  // in config order; removed servers are absent
  bool quorum = false;
  bool sorry_active = false;  // route to the sorry server: quorum is lost
  unsigned live_weight = 0;
  friend bool operator==(const desired_service&, const desired_service&) = default;
};

struct policy_event {
  // weight_changed: a check set another dynamic weight (or gave the configured one back).
  enum class kind { server_up, server_down, quorum_up, quorum_down, weight_changed };
  kind what;
  std::optional<endpoint> server;
  std::string reason;
  std::vector<std::string> hook_argv;  // empty: no hook configured
};
std::string_view to_string(policy_event::kind k);

// The hook arguments every real-server hook gets (lbd.conf(5), "real_server.notify"):
// `<command...> SERVICE SERVER up|down REASON`. Pure.
std::vector<std::string> server_hook_argv(std::vector<std::string> command, std::string_view service,
                                          const endpoint& server, bool up, std::string_view reason);
// Quorum hooks: `<command...> SERVICE LIVE_WEIGHT QUORUM`. Pure.
std::vector<std::string> quorum_hook_argv(std::vector<std::string> command, std::string_view service,
                                          unsigned live_weight, unsigned quorum);

class service_policy {
 public:
  // Every server starts in `initial` (the check's initial state) with its configured weight.
  service_policy(service_config cfg, health initial);
  // The same with one initial state per server (config order), e.g. a server without a check is up.
  service_policy(service_config cfg, const std::vector<health>& initial);

  // A server's health or dynamic weight changed. `dynamic_weight` is the check's current one (none:
  // the configured weight). Unknown servers are ignored (returns nothing).
  std::vector<policy_event> on_server(const endpoint& server, health h, std::optional<unsigned> dynamic_weight,
                                      std::string_view reason);

  [[nodiscard]] desired_service desired() const;
  [[nodiscard]] const service_config& config() const { return cfg_; }

 private:
  struct server {
    health h;
    std::optional<unsigned> dynamic_weight;
  };
  [[nodiscard]] unsigned live_weight() const;
  [[nodiscard]] unsigned effective_weight(std::size_t i) const;
  void update_quorum(std::vector<policy_event>& out);

  service_config cfg_;
  std::vector<server> servers_;  // parallel to cfg_.servers
  bool quorum_;
};

}  // namespace lbd::healthcheck

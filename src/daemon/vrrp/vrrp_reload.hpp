// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What a reload does to each VRRP instance, decided from the config diff (pure). An instance is
// matched by name. Its notify commands, its sync group and its virtual routes and rules can change
// without a restart (the runtime rewires them, the runner changes the routes in place); any other
// change restarts it, since the state machine, the socket and the
// timers all depend on it. This is the VRRP slice of the reload plan (reload/reload_plan.hpp); the
// runtime applies it as it is.
#include <string>
#include <string_view>
#include <vector>

#include "config/diff.hpp"
#include "config/model.hpp"

namespace lbd::daemon {

// One instance and the [[vrrp]] keys that changed for it ("notify", "priority"...).
struct vrrp_instance_change {
  std::string name;
  std::vector<std::string> settings;
  friend bool operator==(const vrrp_instance_change&, const vrrp_instance_change&) = default;
};

struct vrrp_reload_plan {
  std::vector<std::string> keep;              // unchanged: runner kept as it is
  std::vector<vrrp_instance_change> update;   // only in-place settings changed: runner kept, rewired
  std::vector<vrrp_instance_change> restart;  // graceful stop, then start with the new table
  std::vector<std::string> start;             // new
  std::vector<std::string> stop;              // gone: graceful stop

  [[nodiscard]] bool restarts(std::string_view name) const;
  [[nodiscard]] bool stops(std::string_view name) const;
  // Started by this plan: new or restarted.
  [[nodiscard]] std::vector<std::string> started_or_restarted() const;
};

// True for a [[vrrp]] key a running instance takes without a restart.
bool changes_in_place(std::string_view setting);

// keep/update/restart/start in the order of `next`, stop in the order of the running config.
// `changes` is config_diff::vrrp between the running configuration and the one with `next`.
vrrp_reload_plan plan_vrrp_reload(const std::vector<config::change>& changes,
                                  const std::vector<config::vrrp_instance>& next);

}  // namespace lbd::daemon

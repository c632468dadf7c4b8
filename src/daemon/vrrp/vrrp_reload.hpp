// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What a reload does to each VRRP instance, decided from the running and the new [[vrrp]] tables
// alone (pure). An instance is matched by name. Its notify commands and its sync group can change
// without a restart (the runtime rewires them); any other change restarts it, since the state
// machine, the socket and the timers all depend on it.
#include <string>
#include <vector>

#include "config/model.hpp"

namespace lbd::daemon {

struct vrrp_reload_plan {
  std::vector<std::string> keep;     // unchanged (or only notify / sync_group changed): runner kept
  std::vector<std::string> restart;  // changed: graceful stop, then start with the new table
  std::vector<std::string> start;    // new
  std::vector<std::string> stop;     // gone: graceful stop
};

// True when going from `running` to `wanted` needs a new runner.
bool needs_restart(const config::vrrp_instance& running, const config::vrrp_instance& wanted);

// keep/restart/start in the order of `wanted`, stop in the order of `running`.
vrrp_reload_plan plan_reload(const std::vector<config::vrrp_instance>& running,
                             const std::vector<config::vrrp_instance>& wanted);

}  // namespace lbd::daemon

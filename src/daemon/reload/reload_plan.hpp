// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A reload as one plan, computed once from the running and the next configuration (pure): the
// config diff and the slice of it each part of the daemon applies. The VRRP thread takes the VRRP
// slice, the service runtime the diff, the main loop the global slice; the journal line, the report
// (`lbctl reload`, `lbctl status`), the metrics and the systemd status are rendered from the same
// plan, so what is reported is what was done.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/diff.hpp"
#include "config/model.hpp"
#include "daemon/vrrp/vrrp_reload.hpp"

namespace lbd::daemon {

struct service_reload_plan {
  std::vector<std::string> added;
  std::vector<std::string> removed;
  std::vector<config::change> changed;  // virtual servers, with the lbd.conf keys that changed
  std::vector<std::string> recreated;   // of `changed`: new IPVS identity, deleted and re-created
  std::vector<config::real_server_change> real_servers;
  // Something changed and all of it is hooks (a real server's notify, a quorum's up/down): the
  // checks and the IPVS table stay as they are.
  bool hooks_only = false;

  [[nodiscard]] bool empty() const {
    return added.empty() && removed.empty() && changed.empty() && real_servers.empty();
  }
};

struct global_reload_plan {
  bool log_level = false;       // applied at once
  bool process_tuning = false;  // vrrp_realtime_priority, lock_memory: applied at once
  bool metrics_listen = false;  // the endpoint is re-opened
  bool control_socket = false;  // takes effect at the next restart, not on reload
  bool ipvs_timeouts = false;
  bool sync_daemon = false;
  std::vector<std::string> other;  // other [global] keys, read where they are used

  [[nodiscard]] bool empty() const {
    return !log_level && !process_tuning && !metrics_listen && !control_socket && !ipvs_timeouts && !sync_daemon &&
           other.empty();
  }
};

struct reload_plan {
  config::config_diff diff;
  vrrp_reload_plan vrrp;
  service_reload_plan services;
  global_reload_plan globals;

  [[nodiscard]] bool empty() const { return diff.empty(); }
};

reload_plan plan_reload(const config::config& running, const config::config& next);

// One line naming what changed, e.g. "vrrp ~db(restart: priority) ~web(in place: notify) +gw;
// virtual_server +smtp; real_server ~http/10.0.1.14:8080(weight)", or "no change".
std::string summarize(const reload_plan& p);

// {"vrrp": {"start", "stop", "restart": [{"name", "settings"}], "update": [...]},
//  "services": {"added", "removed", "changed": [{"name", "fields"}], "recreated",
//               "real_servers": [{"change", "service", "address", "fields"}], "hooks_only"},
//  "anycast": [{"change", "name", "fields"}],
//  "global": {"changed": [keys of [global] and [ipvs]], "deferred": [keys that wait for a restart]}}
nlohmann::json to_json(const reload_plan& p);

}  // namespace lbd::daemon

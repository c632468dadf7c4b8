// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// [global] vrrp_realtime_priority, lock_memory (keepalived's vrrp_rt_priority and vrrp_no_swap),
// script_security and script_user/script_group: applied at start and whenever a reload changes
// them, each change logged once and shown as lbd_vrrp_realtime_priority, lbd_memory_locked,
// lbd_script_security and lbd_script_uid. A request the system refuses (no CAP_SYS_NICE or
// CAP_IPC_LOCK, RestrictRealtime=yes) is logged with the reason and lbd runs on without it: a
// director without realtime scheduling still works, as keepalived's does.
#include <optional>
#include <string>
#include <vector>

#include "common/log.hpp"
#include "common/metrics.hpp"
#include "config/model.hpp"

namespace lbd::daemon {

class vrrp_thread;

class process_tuning {
 public:
  explicit process_tuning(metrics::registry& m);
  // What could not be applied, one line each (a reload reports them).
  std::vector<std::string> apply(const config::global_settings& g, vrrp_thread& vrrp);

 private:
  // The account programs run as; an error when it vanished since the config was checked.
  std::optional<std::string> apply_script_user(const config::global_settings& g);

  log::logger log_{"tuning"};
  metrics::gauge& priority_;
  metrics::gauge& locked_;
  metrics::gauge& security_;
  metrics::gauge& script_uid_;
  unsigned priority_now_ = 0;
  bool locked_now_ = false;
  bool security_now_ = true;
};

}  // namespace lbd::daemon

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// [global] vrrp_realtime_priority and lock_memory (keepalived's vrrp_rt_priority and
// vrrp_no_swap): applied at start and whenever a reload changes them, each change logged once and
// shown as lbd_vrrp_realtime_priority and lbd_memory_locked. A request the system refuses (no
// CAP_SYS_NICE or CAP_IPC_LOCK, RestrictRealtime=yes) is logged with the reason and lbd runs on
// without it: a director without realtime scheduling still works, as keepalived's does.
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
  log::logger log_{"tuning"};
  metrics::gauge& priority_;
  metrics::gauge& locked_;
  unsigned priority_now_ = 0;
  bool locked_now_ = false;
};

}  // namespace lbd::daemon

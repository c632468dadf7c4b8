// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/shell/process_tuning.hpp"

#include <fmt/format.h>

#include "common/thread_tuning.hpp"
#include "daemon/vrrp/vrrp_thread.hpp"

namespace lbd::daemon {

process_tuning::process_tuning(metrics::registry& m)
    : priority_(
          m.get_gauge("lbd_vrrp_realtime_priority", "SCHED_RR priority of the VRRP thread; 0: the normal scheduler")),
      locked_(m.get_gauge("lbd_memory_locked", "1 while every page of lbd is locked in memory (lock_memory)")) {}

std::vector<std::string> process_tuning::apply(const config::global_settings& g, vrrp_thread& vrrp) {
  std::vector<std::string> problems;
  if (g.vrrp_realtime_priority != priority_now_) {
    if (auto now = vrrp.set_realtime_priority(g.vrrp_realtime_priority)) {
      log_.notice("VRRP thread now runs {} (vrrp_realtime_priority = {})", *now, g.vrrp_realtime_priority);
      priority_now_ = g.vrrp_realtime_priority;
    } else {
      problems.push_back(
          fmt::format("vrrp_realtime_priority = {}: {} (needs CAP_SYS_NICE, and under systemd "
                      "RestrictRealtime=no)",
                      g.vrrp_realtime_priority, now.error()));
      log_.err("{}", problems.back());
    }
  }
  if (g.lock_memory != locked_now_) {
    if (auto done = tuning::lock_memory(g.lock_memory)) {
      log_.notice("{} (lock_memory = {})", g.lock_memory ? "every page of lbd is locked in memory" : "memory unlocked",
                  g.lock_memory);
      locked_now_ = g.lock_memory;
    } else {
      problems.push_back(fmt::format("lock_memory = {}: {} (needs CAP_IPC_LOCK)", g.lock_memory, done.error()));
      log_.err("{}", problems.back());
    }
  }
  priority_.set(priority_now_);
  locked_.set(locked_now_ ? 1 : 0);
  return problems;
}

}  // namespace lbd::daemon

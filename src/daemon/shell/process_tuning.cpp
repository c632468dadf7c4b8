// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/shell/process_tuning.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include "common/script_security.hpp"
#include "common/script_user.hpp"
#include "common/thread_tuning.hpp"
#include "daemon/vrrp/vrrp_thread.hpp"

namespace lbd::daemon {

process_tuning::process_tuning(metrics::registry& m)
    : priority_(
          m.get_gauge("lbd_vrrp_realtime_priority", "SCHED_RR priority of the VRRP thread; 0: the normal scheduler")),
      locked_(m.get_gauge("lbd_memory_locked", "1 while every page of lbd is locked in memory (lock_memory)")),
      security_(m.get_gauge("lbd_script_security",
                            "1 while programs lbd runs must be safe from anyone but root (script_security)")),
      script_uid_(m.get_gauge("lbd_script_uid", "User ID lbd's scripts, checks and hooks run as (script_user)")) {}

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
  if (g.script_security != security_now_) {
    script_security::set_enforced(g.script_security);
    security_now_ = g.script_security;
    if (security_now_) {
      log_.notice("programs lbd runs must be safe from anyone but root again (script_security = true)");
    } else {
      log_.warning(
          "the script-security rule is off: lbd runs programs that others could replace "
          "(script_security = false)");
    }
  }
  if (auto e = apply_script_user(g)) {
    problems.push_back(std::move(*e));
    log_.err("{}", problems.back());
  }
  priority_.set(priority_now_);
  locked_.set(locked_now_ ? 1 : 0);
  security_.set(security_now_ ? 1 : 0);
  return problems;
}

std::optional<std::string> process_tuning::apply_script_user(const config::global_settings& g) {
  auto r = script_user::resolve(g.script_user, g.script_group, script_user::system_accounts());
  if (!r) return r.error();  // removed since --check: programs keep the account they had
  const auto& who = r->who;
  if (who == script_user::current()) return std::nullopt;
  script_user::set_current(who);
  script_uid_.set(::geteuid() == 0 ? who.uid : ::geteuid());
  if (!r->warning.empty()) {
    log_.warning("{}", r->warning);
  } else if (::geteuid() != 0 && who.uid != ::geteuid()) {
    log_.warning("lbd does not run as root: its programs run as lbd's own user, not as {}", who.user);
  } else {
    log_.notice("programs lbd runs (checks, track scripts, notify commands, hooks) run as {} (uid {}, group {})",
                who.user, who.uid, who.group);
  }
  return std::nullopt;
}

}  // namespace lbd::daemon

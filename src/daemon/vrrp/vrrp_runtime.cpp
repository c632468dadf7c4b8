// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/vrrp/vrrp_runtime.hpp"

#include <fmt/format.h>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <utility>

#include "common/interface_address.hpp"
#include "common/log.hpp"
#include "daemon/vrrp/vrrp_config.hpp"
#include "daemon/vrrp/vrrp_groups.hpp"
#include "daemon/vrrp/vrrp_notify.hpp"
#include "daemon/vrrp/vrrp_reload.hpp"
#include "daemon/vrrp/vrrp_start_retry.hpp"
#include "vrrp/io/instance_runner.hpp"

namespace lbd::daemon {

// One [[vrrp]] of the running config. Heap-allocated so that the runner's hooks can hold its address
// across reloads.
struct vrrp_slot {
  config::vrrp_instance cfg;
  std::unique_ptr<vrrp::io::instance_runner> runner;  // null: could not start (see error)
  std::string error;
  unsigned failed_starts = 0;  // since the last success or reload: shows that lbd keeps trying
  vrrp::tracking_state tracked;
  std::optional<vrrp_transition> last;
};

struct vrrp_runtime::impl {
  impl(boost::asio::io_context& context, metrics::registry& registry, notify_handler n)
      : io(context), metrics(registry), notify(std::move(n)) {}

  boost::asio::io_context& io;
  metrics::registry& metrics;
  notify_handler notify;
  std::vector<notify_request> stop_notifies;  // made while stopping, returned by stop()
  log::logger log{"vrrp"};
  std::vector<std::unique_ptr<vrrp_slot>> slots;            // config order
  std::vector<config::sync_group_settings> group_settings;  // the [[sync_group]] hooks
  std::unique_ptr<vrrp_groups> groups = std::make_unique<vrrp_groups>(std::vector<config::vrrp_instance>{});
  std::vector<listener> listeners;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);  // for the retry timer
  bool stopping = false;  // the daemon stops: notify commands are collected for stop()
  // Instances that could not start are tried again until they start or leave the configuration.
  boost::asio::steady_timer retry_timer{io};
  unsigned retry_attempt = 0;

  vrrp_slot* find(std::string_view name) const {
    for (const auto& s : slots) {
      if (s->cfg.name == name) return s.get();
    }
    return nullptr;
  }

  void deliver(const std::vector<vrrp_groups::directive>& ds) {
    for (const auto& d : ds) {
      if (auto* s = find(d.instance); s != nullptr && s->runner) s->runner->post(d.event);
    }
  }

  lbd::status<std::string> open(vrrp_slot& s) {
    auto primary = configured_source(s.cfg);
    if (!primary) {
      auto addrs = netif::list_addresses(s.cfg.interface);
      if (!addrs) return unexpected(fmt::format("vrrp instance '{}': {}", s.cfg.name, addrs.error()));
      auto chosen = choose_primary(s.cfg, *addrs);
      if (!chosen) return unexpected(chosen.error());
      primary = *chosen;
    }
    vrrp::io::runner_hooks hooks;
    vrrp_slot* sp = &s;
    hooks.on_state_changed = [this, sp](const vrrp::act::state_changed& x) { on_transition(*sp, x); };
    hooks.on_tracking = [this, sp](const vrrp::tracking_state& before, const vrrp::tracking_state& after) {
      sp->tracked = after;
      deliver(groups->on_tracking(sp->cfg.name, before, after));
    };
    auto r = vrrp::io::instance_runner::open(io, to_instance_config(s.cfg, *primary), metrics, std::move(hooks));
    if (!r) return unexpected(r.error());
    s.runner = std::move(*r);
    s.runner->hold_vips_on_master(vip_hold_of(s.cfg));
    s.tracked = vrrp::tracking_state{false, {}, s.cfg.priority};
    return ok;
  }

  static void start(vrrp_slot& s) { s.runner->start(); }

  // Graceful: priority 0 if MASTER, VIPs removed; the runner is gone afterwards.
  static void stop(vrrp_slot& s) {
    if (!s.runner) return;
    s.runner->stop();
    s.runner.reset();
  }

  void on_transition(vrrp_slot& s, const vrrp::act::state_changed& x) {
    vrrp_transition t{s.cfg.name, x.from, x.to, x.reason, std::chrono::system_clock::now()};
    s.last = t;
    run_notify(s, x.to);
    for (const auto& l : listeners) l(t);
    deliver(groups->on_transition(s.cfg.name, t.from, t.to));
    if (auto c = groups->settle(s.cfg.name)) on_group_change(*c, s.cfg.name, t.to);
  }

  // The group as a whole moved (the last member arrived, or one left): logged, counted, its hooks run.
  void on_group_change(const vrrp_groups::group_change& c, const std::string& member, vrrp::state member_to) {
    log.with({{log::event_field, "sync_group_transition"}})
        .notice("sync group {}: {} -> {} ({} became {})", c.group, vrrp::to_string(c.from), vrrp::to_string(c.to),
                member, vrrp::to_string(member_to));
    metrics
        .get_counter("lbd_sync_group_transitions_total", "Sync group state transitions",
                     {{"sync_group", c.group},
                      {"from", std::string(vrrp::metric_label(c.from))},
                      {"to", std::string(vrrp::metric_label(c.to))}})
        .inc();
    auto it = std::find_if(group_settings.begin(), group_settings.end(),
                           [&](const config::sync_group_settings& g) { return g.name == c.group; });
    if (it == group_settings.end()) return;  // no [[sync_group]] table: no hooks
    notify_request req{"", c.group, c.to, group_notify_commands(it->notify, c.group, c.to), {}};
    if (c.to == vrrp::state::master && it->notify.master_wait > duration::zero()) {
      for (const auto& m : groups->members(c.group)) {
        if (auto* s = find(m); s != nullptr && s->runner && s->runner->vip_hold() != 0) {
          req.release_on_exit.push_back({m, s->runner->vip_hold()});
        }
      }
    }
    hand_over(std::move(req));
  }

  // To the main loop's hook runner; while the daemon stops, collected for stop().
  void hand_over(notify_request req) {
    if (req.commands.empty()) return;
    if (stopping) {
      stop_notifies.push_back(std::move(req));
    } else if (notify) {
      notify(std::move(req));
    }
  }

  // Opens a slot without runner. A failure is logged and counted when its reason is new, so an
  // instance waiting for its interface says so once, not at every retry.
  bool try_open(vrrp_slot& s) {
    auto opened = open(s);
    if (opened) {
      s.error.clear();
      s.failed_starts = 0;
      return true;
    }
    ++s.failed_starts;
    if (opened.error() != s.error) {
      s.error = opened.error();
      log.err("{}", s.error);
      metrics
          .get_counter("lbd_vrrp_start_failures_total", "VRRP instances that could not start",
                       {{"vrrp_instance", s.cfg.name}})
          .inc();
    }
    return false;
  }

  void schedule_retry() {
    const bool waiting = std::any_of(slots.begin(), slots.end(), [](const auto& s) { return !s->runner; });
    if (!waiting || stopping) return;
    retry_timer.expires_after(vrrp_start_retry_delay(retry_attempt));
    ++retry_attempt;
    retry_timer.async_wait([this, alive = alive](const boost::system::error_code& ec) {
      if (ec || !*alive || stopping) return;
      retry();
    });
  }

  void retry() {
    for (auto& s : slots) {
      if (s->runner) continue;
      const std::string was = s->error;
      if (!try_open(*s)) continue;
      log.notice("instance {} started (it could not before: {})", s->cfg.name, was);
      metrics
          .get_counter("lbd_vrrp_late_starts_total", "VRRP instances started by a retry",
                       {{"vrrp_instance", s->cfg.name}})
          .inc();
      start(*s);
    }
    schedule_retry();
  }

  void run_notify(vrrp_slot& s, vrrp::state to) {
    const std::uint8_t prio = s.runner ? s.runner->fsm().priority() : s.cfg.priority;
    notify_request req{s.cfg.name, "", to, notify_commands(s.cfg.notify, s.cfg.name, to, prio), {}};
    // Its own master command releases only a hold of its own master_wait (not its group's).
    if (to == vrrp::state::master && s.cfg.notify.master_wait > duration::zero() && s.runner &&
        s.runner->vip_hold() != 0) {
      req.release_on_exit.push_back({s.cfg.name, s.runner->vip_hold()});
    }
    hand_over(std::move(req));
  }

  // How long a member's VIPs may wait for a master command: its own notify.master_wait, or its
  // group's (lbd.conf allows only one of the two).
  [[nodiscard]] duration vip_hold_of(const config::vrrp_instance& v) const {
    if (v.notify.master_wait > duration::zero() || !v.sync_group) return v.notify.master_wait;
    for (const auto& g : group_settings) {
      if (g.name == *v.sync_group) return g.notify.master_wait;
    }
    return duration::zero();
  }
};

vrrp_runtime::vrrp_runtime(boost::asio::io_context& io, metrics::registry& metrics, notify_handler notify)
    : impl_(std::make_unique<impl>(io, metrics, std::move(notify))) {}

vrrp_runtime::~vrrp_runtime() {
  stop();
  *impl_->alive = false;
}

std::vector<std::string> vrrp_runtime::apply(const config::config& cfg, const vrrp_reload_plan& plan) {
  auto& m = *impl_;
  auto wanted = [&](const std::string& n) {
    return std::any_of(cfg.vrrp.begin(), cfg.vrrp.end(), [&](const config::vrrp_instance& v) { return v.name == n; });
  };

  // Leaving and changed instances stop first, so a successor on the same VRID finds the field clear.
  // An instance the plan does not know as running (it cannot be, but a runner must never be dropped
  // without its graceful stop) stops as if it left.
  std::vector<std::unique_ptr<vrrp_slot>> old = std::move(m.slots);
  m.slots.clear();
  for (auto& s : old) {
    const bool gone = plan.stops(s->cfg.name) || !wanted(s->cfg.name);
    if (gone || plan.restarts(s->cfg.name)) {
      if (s->runner) m.log.notice("instance {} {}", s->cfg.name, gone ? "removed" : "changed: restarting");
      // Still reachable through find() while it reports its last transitions.
      m.slots.push_back(std::move(s));
      impl::stop(*m.slots.back());
      m.slots.pop_back();
    }
  }

  std::vector<std::string> errors;
  std::vector<vrrp_slot*> fresh;
  for (const auto& want : cfg.vrrp) {
    auto it = std::find_if(old.begin(), old.end(), [&](const auto& s) { return s && s->cfg.name == want.name; });
    std::unique_ptr<vrrp_slot> s;
    if (it != old.end() && *it && !plan.restarts(want.name)) {
      s = std::move(*it);
      if (s->runner && (s->cfg.virtual_routes != want.virtual_routes || s->cfg.virtual_rules != want.virtual_rules)) {
        s->runner->set_virtual_routes(want.virtual_routes, want.virtual_rules);
      }
      s->cfg = want;  // in-place settings (notify, sync_group, virtual routes and rules) take effect now
    } else {
      s = std::make_unique<vrrp_slot>();
      s->cfg = want;
    }
    m.slots.push_back(std::move(s));
  }
  m.retry_timer.cancel();
  m.retry_attempt = 0;
  for (auto& s : m.slots) {
    if (s->runner) continue;
    s->error.clear();  // a reload reports every instance that does not start, even for the same reason
    s->failed_starts = 0;
    s->last.reset();
    if (!m.try_open(*s)) {
      errors.push_back(s->error);
      continue;
    }
    fresh.push_back(s.get());
  }

  // Groups are rebuilt from the new config; members that kept running bring their state and faults.
  m.groups = std::make_unique<vrrp_groups>(cfg.vrrp);
  for (auto& s : m.slots) {
    if (!s->runner || std::find(fresh.begin(), fresh.end(), s.get()) != fresh.end()) continue;
    m.deliver(m.groups->seed(s->cfg.name, s->runner->fsm().current_state(), s->tracked));
  }
  m.groups->adopt_states();
  m.group_settings = cfg.sync_groups;  // new hooks take effect at once, like an instance's notify
  for (auto& s : m.slots) {
    if (s->runner) s->runner->hold_vips_on_master(m.vip_hold_of(s->cfg));
  }
  for (auto* s : fresh) m.start(*s);
  m.schedule_retry();
  m.log.info(
      "configuration applied: {} kept, {} updated in place, {} restarted, {} started, {} stopped, {} not running",
      plan.keep.size(), plan.update.size(), plan.restart.size(), plan.start.size(), plan.stop.size(), errors.size());
  return errors;
}

std::vector<notify_request> vrrp_runtime::stop() {
  impl_->stopping = true;
  impl_->retry_timer.cancel();
  for (auto it = impl_->slots.rbegin(); it != impl_->slots.rend(); ++it) impl::stop(**it);
  return std::exchange(impl_->stop_notifies, {});
}

void vrrp_runtime::script_result(std::string_view instance, const std::string& script, bool success) {
  if (auto* s = impl_->find(instance); s != nullptr && s->runner) s->runner->script_result(script, success);
}

void vrrp_runtime::release_vips(const std::vector<vip_hold>& holds, std::string_view why) {
  for (const auto& h : holds) {
    if (auto* s = impl_->find(h.instance); s != nullptr && s->runner) s->runner->release_vips(h.number, why);
  }
}

void vrrp_runtime::subscribe(listener l) { impl_->listeners.push_back(std::move(l)); }

std::optional<vrrp::state> vrrp_runtime::state_of(std::string_view instance) const {
  const auto* s = impl_->find(instance);
  if (s == nullptr) return std::nullopt;
  return s->runner ? s->runner->fsm().current_state() : vrrp::state::init;
}

std::vector<vrrp_instance_view> vrrp_runtime::views() const {
  std::vector<vrrp_instance_view> out;
  out.reserve(impl_->slots.size());
  for (const auto& s : impl_->slots) {
    vrrp_instance_view v;
    v.config = s->cfg;
    v.last = s->last;
    if (s->runner) {
      const auto& f = s->runner->fsm();
      v.state = f.current_state();
      v.effective_priority = f.priority();
      if (auto a = f.master_address()) v.master = a->to_string();
      v.fault_reason = f.current_state() == vrrp::state::fault ? f.fault_reason() : std::string();
      v.vips_held = s->runner->vip_hold() != 0;
    } else {
      v.state = vrrp::state::init;
      v.effective_priority = s->cfg.priority;
      v.fault_reason = s->error.empty() ? std::string()
                                        : fmt::format("not running ({} failed starts): {}", s->failed_starts, s->error);
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace lbd::daemon

#include "daemon/vrrp_runtime.hpp"

#include <fmt/format.h>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>

#include "common/interface_address.hpp"
#include "common/log.hpp"
#include "common/process.hpp"
#include "daemon/detached_spawn.hpp"
#include "daemon/track_script_runner.hpp"
#include "daemon/vrrp_config.hpp"
#include "daemon/vrrp_groups.hpp"
#include "daemon/vrrp_notify.hpp"
#include "daemon/vrrp_reload.hpp"
#include "daemon/vrrp_start_retry.hpp"
#include "daemon/vrrp_status.hpp"
#include "vrrp/io/instance_runner.hpp"

namespace lbd::daemon {
namespace {

// A notify command that hangs must not pile up: its process group is killed after this long.
constexpr std::chrono::seconds notify_timeout{60};

}  // namespace

// One [[vrrp]] of the running config. Heap-allocated so that the runner's hooks can hold its address
// across reloads.
struct vrrp_slot {
  config::vrrp_instance cfg;
  std::unique_ptr<vrrp::io::instance_runner> runner;  // null: could not start (see error)
  std::string error;
  unsigned failed_starts = 0;  // since the last success or reload: shows that lbd keeps trying
  vrrp::tracking_state tracked;
  std::optional<vrrp::act::state_changed> pending;  // reported by the runner, completed by its notify
  std::optional<vrrp_transition> last;
  std::vector<std::unique_ptr<track_script_runner>> scripts;
};

struct vrrp_runtime::impl {
  impl(boost::asio::io_context& context, metrics::registry& registry) : io(context), metrics(registry) {}

  boost::asio::io_context& io;
  metrics::registry& metrics;
  log::logger log{"vrrp"};
  std::vector<std::unique_ptr<vrrp_slot>> slots;  // config order
  std::unique_ptr<vrrp_groups> groups = std::make_unique<vrrp_groups>(std::vector<config::vrrp_instance>{});
  std::vector<listener> listeners;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);  // for notify completions
  bool stopping = false;  // the daemon stops: notify commands must outlive the io_context
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
    hooks.on_state_changed = [sp](const vrrp::act::state_changed& x) { sp->pending = x; };
    hooks.on_notify = [this, sp](vrrp::state to) { on_notify(*sp, to); };
    hooks.on_tracking = [this, sp](const vrrp::tracking_state& before, const vrrp::tracking_state& after) {
      sp->tracked = after;
      deliver(groups->on_tracking(sp->cfg.name, before, after));
    };
    auto r = vrrp::io::instance_runner::open(io, to_instance_config(s.cfg, *primary), metrics, std::move(hooks));
    if (!r) return unexpected(r.error());
    s.runner = std::move(*r);
    s.tracked = vrrp::tracking_state{false, {}, s.cfg.priority};
    return ok;
  }

  void start(vrrp_slot& s) {
    s.runner->start();
    for (const auto& t : s.cfg.track_scripts) {
      auto* sp = &s;
      s.scripts.push_back(std::make_unique<track_script_runner>(io, s.cfg.name, t, metrics,
                                                                [sp](const std::string& script, bool success) {
                                                                  if (sp->runner)
                                                                    sp->runner->script_result(script, success);
                                                                }));
      s.scripts.back()->start();
    }
  }

  // Graceful: priority 0 if MASTER, VIPs removed; the runner is gone afterwards.
  void stop(vrrp_slot& s) {
    s.scripts.clear();
    if (!s.runner) return;
    s.runner->stop();
    s.runner.reset();
  }

  void on_notify(vrrp_slot& s, vrrp::state to) {
    if (!s.pending || s.pending->to != to) std::abort();  // the state machine pairs them: a wiring bug
    vrrp_transition t{s.cfg.name, s.pending->from, s.pending->to, s.pending->reason, std::chrono::system_clock::now()};
    s.pending.reset();
    s.last = t;
    run_notify(s, to);
    for (const auto& l : listeners) l(t);
    deliver(groups->on_transition(s.cfg.name, t.from, t.to));
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
    for (auto& argv : notify_commands(s.cfg.notify, s.cfg.name, to, prio)) {
      if (stopping) {
        const bool good = static_cast<bool>(spawn_detached(argv));
        metrics
            .get_counter("lbd_vrrp_notify_total", "Notify commands run",
                         {{"vrrp_instance", s.cfg.name}, {"result", good ? "detached" : "failed"}})
            .inc();
        if (!good) log::logger(fmt::format("vrrp[{}]", s.cfg.name)).warning("notify {}: could not start", argv.front());
        continue;
      }
      process::options o;
      o.argv = std::move(argv);
      o.timeout = notify_timeout;
      const std::string command = o.argv.front();
      process::async_run(
          io.get_executor(), std::move(o), [this, alive = alive, name = s.cfg.name, command](process::outcome r) {
            if (!*alive) return;
            const bool good = r.started && r.exit_code && *r.exit_code == 0;
            metrics
                .get_counter("lbd_vrrp_notify_total", "Notify commands run",
                             {{"vrrp_instance", name}, {"result", good ? "ok" : "failed"}})
                .inc();
            if (!good) {
              log::logger(fmt::format("vrrp[{}]", name)).warning("notify {}: {}", command, process::describe(r));
            }
          });
    }
  }
};

vrrp_runtime::vrrp_runtime(boost::asio::io_context& io, metrics::registry& metrics)
    : impl_(std::make_unique<impl>(io, metrics)) {}

vrrp_runtime::~vrrp_runtime() {
  stop();
  *impl_->alive = false;
}

std::vector<std::string> vrrp_runtime::apply(const config::config& cfg) {
  auto& m = *impl_;
  std::vector<config::vrrp_instance> running;
  running.reserve(m.slots.size());
  for (const auto& s : m.slots) running.push_back(s->cfg);
  const auto plan = plan_reload(running, cfg.vrrp);
  auto listed = [](const std::vector<std::string>& v, const std::string& n) {
    return std::find(v.begin(), v.end(), n) != v.end();
  };

  // Leaving and changed instances stop first, so a successor on the same VRID finds the field clear.
  std::vector<std::unique_ptr<vrrp_slot>> old = std::move(m.slots);
  m.slots.clear();
  for (auto& s : old) {
    if (listed(plan.stop, s->cfg.name) || listed(plan.restart, s->cfg.name)) {
      if (s->runner)
        m.log.notice("instance {} {}", s->cfg.name, listed(plan.stop, s->cfg.name) ? "removed" : "changed: restarting");
      // Still reachable through find() while it reports its last transitions.
      m.slots.push_back(std::move(s));
      m.stop(*m.slots.back());
      m.slots.pop_back();
    }
  }

  std::vector<std::string> errors;
  std::vector<vrrp_slot*> fresh;
  for (const auto& want : cfg.vrrp) {
    auto it = std::find_if(old.begin(), old.end(), [&](const auto& s) { return s && s->cfg.name == want.name; });
    std::unique_ptr<vrrp_slot> s;
    if (it != old.end() && listed(plan.keep, want.name)) {
      s = std::move(*it);
      s->cfg = want;  // notify and sync_group take effect now
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
  for (auto* s : fresh) m.start(*s);
  m.schedule_retry();
  m.log.info("configuration applied: {} kept, {} restarted, {} started, {} stopped, {} not running", plan.keep.size(),
             plan.restart.size(), plan.start.size(), plan.stop.size(), errors.size());
  return errors;
}

void vrrp_runtime::stop() {
  impl_->stopping = true;
  impl_->retry_timer.cancel();
  for (auto it = impl_->slots.rbegin(); it != impl_->slots.rend(); ++it) impl_->stop(**it);
}

void vrrp_runtime::subscribe(listener l) { impl_->listeners.push_back(std::move(l)); }

std::optional<vrrp::state> vrrp_runtime::state_of(std::string_view instance) const {
  const auto* s = impl_->find(instance);
  if (s == nullptr) return std::nullopt;
  return s->runner ? s->runner->fsm().current_state() : vrrp::state::init;
}

nlohmann::json vrrp_runtime::status() const {
  auto out = nlohmann::json::array();
  for (const auto& s : impl_->slots) {
    vrrp_instance_view v;
    v.config = &s->cfg;
    v.last = s->last ? &*s->last : nullptr;
    if (s->runner) {
      const auto& f = s->runner->fsm();
      v.state = f.current_state();
      v.effective_priority = f.priority();
      if (auto a = f.master_address()) v.master = a->to_string();
      v.fault_reason = f.current_state() == vrrp::state::fault ? f.fault_reason() : std::string();
    } else {
      v.state = vrrp::state::init;
      v.effective_priority = s->cfg.priority;
      v.fault_reason = s->error.empty() ? std::string()
                                        : fmt::format("not running ({} failed starts): {}", s->failed_starts, s->error);
    }
    out.push_back(to_json(v));
  }
  return out;
}

}  // namespace lbd::daemon

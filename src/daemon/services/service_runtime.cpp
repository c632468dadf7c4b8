// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/services/service_runtime.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <optional>
#include <utility>

#include "common/hook_runner.hpp"
#include "config/diff.hpp"
#include "daemon/services/lazy_backend.hpp"
#include "daemon/services/service_runtime_impl.hpp"
#include "healthcheck/probers.hpp"

namespace lbd::daemon {
namespace {

namespace hc = healthcheck;

bool in_table(const ipvs::table& t, const ipvs::service_key& s, const endpoint& d) {
  const auto it = t.find(s);
  return it != t.end() && it->second.dests.count(dest_key_of(d)) != 0;
}

metrics::counter& reconciles(metrics::registry& m, const char* result) {
  return m.get_counter("lbd_service_reconciles_total", "IPVS reconcile passes of the service runtime, by result",
                       {{"result", result}});
}

std::unique_ptr<stats_cache> make_stats(boost::asio::io_context& io, hc::time_source& time, kernel_stats_reader r) {
  if (!r.open) return nullptr;
  if (r.own_thread) return std::make_unique<stats_cache>(io, std::move(r.open));
  return std::make_unique<stats_cache>(io, std::move(r.open), time);
}

}  // namespace

service_runtime::impl::impl(boost::asio::io_context& io, metrics::registry& m, ipvs::backend& kernel,
                            hc::prober* probes, hc::time_source& time, kernel_stats_reader stats, agent_query agents,
                            nft_access nat, bool ipvs_thread)
    : io_(io),
      metrics_(m),
      time_(time),
      own_probes_(probes == nullptr ? hc::prober_set::make_default(io.get_executor()) : nullptr),
      probes_(probes == nullptr ? *own_probes_ : *probes),
      checks_(io.get_executor(), probes_, m, time),
      agents_(io.get_executor(), m, time, agent_queries(io.get_executor(), std::move(agents), own_agent_prober_),
              [this] { schedule_reconcile(); }),
      ipvs_(io, kernel, m, ipvs_thread),
      fullnat_(std::move(nat), m),
      stats_(make_stats(io, time, std::move(stats))),
      periodic_(time.make_timer(io.get_executor())),
      outlier_timer_(time.make_timer(io.get_executor())),
      ramp_timer_(time.make_timer(io.get_executor())) {}

service_runtime::impl::~impl() {
  periodic_->cancel();
  ramp_timer_->cancel();
  agents_.stop();
  services_.clear();  // the monitors unsubscribe from checks_, which outlives them
}

bool service_runtime::impl::needs_kernel() const {
  return !stopped_ &&
         (!cfg_->virtual_servers.empty() || cfg_->ipvs.sync_daemon.has_value() || !leaving_.empty() || sync_owned_);
}

const service_runtime::impl::service_entry* service_runtime::impl::find_entry(const std::string& name) const {
  for (const auto& e : services_) {
    if (e.vs->name == name) return &e;
  }
  return nullptr;
}

ipvs::desired_state service_runtime::impl::desired() const {
  std::map<std::string, hc::desired_service> health;
  for (const auto& e : services_) {
    if (e.monitor) health.emplace(e.vs->name, e.monitor->desired());
  }
  const auto agents = agents_.inputs();
  auto out = build_desired(*cfg_, health, overrides_, sync_master(), &agents);
  add_data_path_services(*cfg_, marks_, out);
  return out;
}

ipvs::owned_state service_runtime::impl::owned() const {
  ipvs::owned_state o{leaving_, sync_owned_ || cfg_->ipvs.sync_daemon.has_value()};
  o.services.merge(owned_services(*cfg_, marks_));
  return o;
}

void service_runtime::impl::rebuild_services(const config::config_diff* d) {
  const config::config& cfg = *cfg_;
  std::set<std::string> touched;
  if (d != nullptr) {
    for (const auto& c : d->virtual_servers) touched.insert(c.name);
    for (const auto& c : d->real_servers) touched.insert(c.service);
  }
  touched.insert(marks_moved_.begin(), marks_moved_.end());
  std::map<std::string, service_entry> previous;
  for (auto& e : services_) previous.emplace(e.vs->name, std::move(e));
  services_.clear();

  std::vector<std::size_t> rebuilt;
  std::vector<service_entry> next;
  next.reserve(cfg.virtual_servers.size());
  for (const auto& vs : cfg.virtual_servers) {
    auto prev = previous.find(vs.name);
    if (d != nullptr && prev != previous.end() && touched.count(vs.name) == 0) {
      next.push_back(std::move(prev->second));
      next.back().vs = &vs;  // unchanged, now held by the new config
      previous.erase(prev);
      continue;
    }
    service_entry e{&vs, service_keys_of(vs), {}, nullptr};
    e.checks.reserve(vs.real_servers.size());
    previous_checks before;
    if (prev != previous.end()) before = {&prev->second.vs->real_servers, &prev->second.checks};
    for (const auto& rs : vs.real_servers) {
      const bool served = have_kernel_ && in_table(last_kernel_, e.keys.front(), rs.address);
      const auto target = data_path_target_of(marks_, vs, rs);
      e.checks.push_back(bind_server_checks(rs, before, served, target ? &*target : nullptr));
    }
    e.monitor = std::make_unique<hc::service_monitor>(
        io_.get_executor(), checks_, metrics_, service_config_of(vs), check_copies(e.checks),
        [this, name = vs.name](const hc::desired_service&, const std::vector<hc::policy_event>& events) {
          const auto* entry = find_entry(name);
          for (const auto& ev : events) {
            const bool up_or_down =
                ev.what == hc::policy_event::kind::server_up || ev.what == hc::policy_event::kind::server_down;
            if (entry == nullptr || !up_or_down) continue;
            for (const auto& rs : entry->vs->real_servers) {
              if (rs.address != *ev.server) continue;
              const bool up = ev.what == hc::policy_event::kind::server_up;
              const auto& hook = up ? rs.notify.up : rs.notify.down;
              if (hook.empty()) continue;
              hook_runner(io_.get_executor(), &metrics_).run(hc::server_hook_request(hook, name, ev));
            }
          }
          schedule_reconcile();
        });
    rebuilt.push_back(next.size());
    next.push_back(std::move(e));
  }
  services_ = std::move(next);
  // Only now do the replaced monitors let go of their checks: a check both use kept running.
  previous.clear();
  for (auto i : rebuilt) services_[i].monitor->refresh_gauges();
  configure_outliers();
  update_watches();
}

reconcile_report service_runtime::impl::apply(std::shared_ptr<const config::config> cfg,
                                              const config::config_diff& changes) {
  const bool first = !started_;
  // The old config stays alive to the end: the entries kept point into it until rebuild_services.
  const std::shared_ptr<const config::config> old_held = std::move(cfg_);
  const config::config& old = *old_held;
  cfg_ = std::move(cfg);
  started_ = true;
  stopped_ = false;

  const data_path_mark_map old_marks = std::move(marks_);
  marks_ = data_path_marks(*cfg_);
  marks_moved_.clear();
  for (const auto& [ref, mark] : marks_) {
    const auto was = old_marks.find(ref);
    if (was == old_marks.end() || was->second != mark) marks_moved_.insert(ref.service);
  }
  for (const auto& entry : old_marks) {
    if (marks_.count(entry.first) == 0) marks_moved_.insert(entry.first.service);
  }
  if (marks_.size() != old_marks.size() || !marks_moved_.empty()) {
    log_.info("data-path checks: {} fwmark services (was {})", marks_.size(), old_marks.size());
  }
  if (const auto wanted = data_path_servers(*cfg_); wanted > marks_.size()) {
    log_.warning(
        "data-path checks: {} real servers need a mark, [ipvs] data_path_fwmark_count gives {}: the other {} "
        "are checked the plain way",
        wanted, marks_.size(), wanted - marks_.size());
  }
  metrics_.get_gauge("lbd_data_path_services", "IPVS fwmark services lbd runs for data-path checks")
      .set(static_cast<double>(marks_.size()));

  // Services that left the config stay lbd's to delete until the kernel no longer has them.
  const std::set<ipvs::service_key> now_owned = owned_services(*cfg_, marks_);
  for (const auto& k : owned_services(old, old_marks)) {
    if (now_owned.count(k) == 0) leaving_.insert(k);
  }
  for (const auto& k : now_owned) leaving_.erase(k);

  std::optional<ipvs::kernel_state> fresh;
  if (first && needs_kernel()) {
    // Adopt: read what the kernel holds before the checks start, so servers it already serves
    // start from "up" (see rebuild_services).
    if (stats_) stats_->pause();
    auto snap = ipvs_.run([want = desired(), mine = owned()](ipvs::reconciler& r) { return r.read(want, mine); });
    if (stats_) stats_->resume();
    if (snap) {
      last_kernel_ = snap->services;
      have_kernel_ = true;
      kernel_read_at_ = time_.now();
      fresh = std::move(snap).value();
    }
  }
  const config::config_diff* d = first ? nullptr : &changes;
  rebuild_services(d);
  agents_.configure(*cfg_);
  if (first) load_overrides();
  const auto dropped = overrides_.prune(*cfg_);
  for (const auto& gone : dropped) {
    log_.notice("override of {} in {} dropped: the real server left the config", to_string(gone.address), gone.service);
  }
  if (!dropped.empty()) save_overrides();
  const auto drain = cfg_->global.drain_timeout;
  if (first || old.global.drain_timeout != drain) {
    ipvs_.run([drain](ipvs::reconciler& r) {
      r.set_drain_timeout(drain);
      return true;
    });
  }
  auto report = reconcile(std::move(fresh));
  arm_periodic();
  if (stats_) stats_->configure(needs_kernel(), stats_cache::period_for(cfg_->global.reconcile_interval));
  return report;
}

std::optional<service_runtime::impl::pass> service_runtime::impl::begin_pass() {
  if (!needs_kernel()) return std::nullopt;
  auto want = desired();
  observe_ramps(want);
  pass p{std::make_shared<const ipvs::desired_state>(std::move(want)), owned(), time_.now(), ++passes_begun_,
         std::chrono::steady_clock::now()};
  // The pass reads the whole table: the statistics reader waits (or abandons its dump) meanwhile.
  if (stats_) stats_->pause();
  // The source NAT first: a new fullnat service's VIP:port is in the set before IPVS takes a connection.
  fullnat_.reconcile(*cfg_);
  return p;
}

reconcile_report service_runtime::impl::reconcile(std::optional<ipvs::kernel_state> fresh) {
  const auto p = begin_pass();
  if (!p) return {};
  return finish_pass(*p, ipvs_.run(pass_job(*p, std::move(fresh))));
}

void service_runtime::impl::reconcile_in_background() {
  if (pass_running_) {
    pass_again_ = true;
    return;
  }
  const auto p = begin_pass();
  if (!p) return;
  set_pass_running(true);
  ipvs_.submit(pass_job(*p, std::nullopt), [this, alive = std::weak_ptr<int>(alive_), p = *p](pass_result out) {
    if (alive.expired()) return;
    set_pass_running(false);
    if (stopped_) return;  // the stop reads the kernel itself
    finish_pass(p, std::move(out));
    if (std::exchange(pass_again_, false)) {
      schedule_reconcile();
    } else {
      arm_periodic();  // the next periodic pass an interval after this one ended
    }
  });
}

void service_runtime::impl::set_pass_running(bool running) {
  pass_running_ = running;
  metrics_.get_gauge("lbd_ipvs_pass_running", "A reconcile pass is on the IPVS worker and the main loop goes on (1)")
      .set(running ? 1 : 0);
}

reconcile_report service_runtime::impl::finish_pass(const pass& p, pass_result out) {
  reconcile_report report;
  metrics_
      .get_histogram("lbd_ipvs_pass_seconds",
                     "Reconcile passes from the desired state computed to the result back on the main loop",
                     metrics::latency_buckets())
      .observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - p.begun).count());
  if (stats_ && !stopped_) stats_->resume();
  fullnat_.settle(*cfg_);
  if (!out) {
    report.failure = out.error().message;
    log_.err("reconcile: reading the kernel failed: {}", report.failure);
    if (cfg_->ipvs.sync_daemon) note_sync_error("reading the sync daemons failed: " + report.failure);
    reconciles(metrics_, "error").inc();
    return report;
  }
  report.ops = out->ops.size();
  report.errors = out->errors;
  if (!out->ops.empty()) {
    log_.notice("reconcile: {} IPVS operations{}", out->ops.size(),
                out->errors == 0 ? std::string() : fmt::format(", {} refused", out->errors));
  }
  reconciles(metrics_, out->errors == 0 ? "ok" : "partial").inc();
  // A later pass already finished: what this one read is older than what lbd knows.
  if (p.seq < passes_finished_) return report;
  passes_finished_ = p.seq;
  const auto weights = export_weights(out->programmed);
  if (on_pass_) on_pass_(weights);
  note_sync(*out, *p.want);
  ipvs::table& kernel = out->kernel.services;
  for (auto it = leaving_.begin(); it != leaving_.end();) {
    it = kernel.count(*it) == 0 ? leaving_.erase(it) : std::next(it);
  }
  last_kernel_ = std::move(kernel);
  have_kernel_ = true;
  kernel_read_at_ = p.read_at;
  return report;
}

void service_runtime::impl::schedule_reconcile() {
  if (reconcile_posted_ || stopped_) return;
  reconcile_posted_ = true;
  // Not inside the check's callback: the monitors may be mid-update, and many results arriving
  // together make one pass.
  boost::asio::post(io_, [this, alive = std::weak_ptr<int>(alive_)] {
    if (alive.expired()) return;
    reconcile_posted_ = false;
    if (!stopped_) reconcile_in_background();
  });
}

void service_runtime::impl::arm_periodic() {
  periodic_->cancel();
  if (stopped_ || cfg_->global.reconcile_interval <= duration::zero()) return;
  periodic_->async_wait_until(time_.now() + cfg_->global.reconcile_interval,
                              [this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
                                if (ec || alive.expired() || stopped_) return;
                                // Repairs the table, the timeouts and the sync daemon alike (`ipvsadm -C`, `--set`,
                                // `--stop-daemon` behind lbd's back). The interval runs from the end of the last
                                // pass, whatever asked for it: a pass that takes longer than the interval (a large
                                // table in a slow machine) must not make the worker dump the table back to back.
                                // A pass still running re-arms the timer when it ends.
                                if (pass_running_) return;
                                reconcile_in_background();
                                if (!pass_running_) arm_periodic();  // no pass started, or it ended at once
                              });
}

// ------------------------------------------------------------------------------ the public face

service_runtime::service_runtime(boost::asio::io_context& io, metrics::registry& metrics, ipvs::backend& kernel)
    : impl_(std::make_unique<impl>(io, metrics, kernel, nullptr, hc::steady_time(),
                                   kernel_stats_reader{[](std::function<bool()> cancelled) {
                                                         ipvs::netlink::client_options o;
                                                         o.cancelled = std::move(cancelled);
                                                         return std::make_unique<lazy_backend>(std::move(o));
                                                       },
                                                       true},
                                   agent_query{}, nft_access::kernel(), true)) {}

service_runtime::service_runtime(boost::asio::io_context& io, metrics::registry& metrics, ipvs::backend& kernel,
                                 healthcheck::prober& probes, healthcheck::time_source& time, kernel_stats_reader stats,
                                 agent_query agents, bool ipvs_thread)
    : impl_(std::make_unique<impl>(io, metrics, kernel, &probes, time, std::move(stats), std::move(agents),
                                   nft_access::memory(), ipvs_thread)) {}

service_runtime::~service_runtime() = default;

reconcile_report service_runtime::apply(const config::config& cfg, const config::config_diff& changes) {
  return impl_->apply(std::make_shared<const config::config>(cfg), changes);
}
reconcile_report service_runtime::apply(std::shared_ptr<const config::config> cfg, const config::config_diff& changes) {
  return impl_->apply(std::move(cfg), changes);
}
reconcile_report service_runtime::reconcile() { return impl_->reconcile(); }

override_answer service_runtime::drain(const std::string& server, const std::optional<std::string>& service) {
  return impl_->set_override(server, service, override_entry{override_kind::drain, 0});
}

override_answer service_runtime::enable(const std::string& server, const std::optional<std::string>& service) {
  return impl_->set_override(server, service, std::nullopt);
}

override_answer service_runtime::set_weight(const std::string& server, const std::optional<std::string>& service,
                                            unsigned weight) {
  if (weight > 65535) return unexpected("weight " + std::to_string(weight) + " is out of range 0-65535");
  return impl_->set_override(server, service, override_entry{override_kind::weight, weight});
}

void service_runtime::keep_overrides_in(std::string path) { impl_->overrides_path_ = std::move(path); }
void service_runtime::on_vrrp_state(const std::string& instance, vrrp::state s) { impl_->on_vrrp_state(instance, s); }
void service_runtime::on_pass(std::function<void(const std::vector<service_weight>&)> observer) {
  impl_->on_pass_ = std::move(observer);
}
std::string service_runtime::kernel_stats_text() { return impl_->kernel_stats_text(); }
const metrics::registry* service_runtime::worker_metrics() const { return impl_->ipvs_.metrics(); }
reconcile_report service_runtime::stop(config::exit_policy policy) { return impl_->stop(policy); }
std::vector<api::service> service_runtime::services() const { return impl_->services(); }
std::vector<api::check> service_runtime::checks() const { return impl_->checks(); }

}  // namespace lbd::daemon

// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/services/service_runtime.hpp"

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
    export_also_.insert(vs.name);
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
    abandon_waiting_pass();  // a full pass on the worker gives up its read rather than hold this up
    run_waited([drain](ipvs::reconciler& r) {
      r.set_drain_timeout(drain);
      return true;
    });
  }
  // A reload writes what it changed; the periodic pass reads the whole table.
  auto report = reconcile(first ? pass_scope::everything : pass_scope::changes, std::move(fresh));
  arm_periodic();
  if (stats_) stats_->configure(needs_kernel(), stats_cache::period_for(cfg_->global.reconcile_interval));
  return report;
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
reconcile_report service_runtime::reconcile() { return impl_->reconcile(impl::pass_scope::everything); }

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
void service_runtime::abandon_full_reads_with(std::atomic<bool>& flag) { impl_->abandon_ = &flag; }
api::service_stream service_runtime::service_stream() const {
  return {impl_->services_.size(),
          [this](const std::function<void(api::service &&)>& write) { impl_->each_service(write); }};
}
std::vector<api::check> service_runtime::checks() const { return impl_->checks(); }

}  // namespace lbd::daemon

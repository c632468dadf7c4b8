// SPDX-License-Identifier: GPL-2.0-or-later
// What the service runtime shows: lbctl services/checks (typed answers, status/answers.hpp) and the kernel's
// per-service and per-real-server statistics as metrics.
#include <algorithm>
#include "config/names.hpp"

#include "daemon/services/group_view.hpp"
#include "daemon/services/service_runtime_impl.hpp"
#include "daemon/services/stats_exposition.hpp"

namespace lbd::daemon {
namespace {

namespace hc = healthcheck;

api::health health_of(hc::status s) {
  switch (s) {
    case hc::status::up: return api::health::up;
    case hc::status::down: return api::health::down;
    case hc::status::pending: break;
  }
  return api::health::pending;
}

api::forwarding forwarding_of(config::forwarding f) {
  switch (f) {
    case config::forwarding::nat:
    case config::forwarding::fullnat: return api::forwarding::nat;  // with source_nat
    case config::forwarding::dr: return api::forwarding::dr;
    case config::forwarding::tun: break;
  }
  return api::forwarding::tun;
}

// The kernel's per-second estimates (connections, packets, bytes); none when not in the kernel.
std::optional<api::rates> rates_of(const ipvs::stats* s) {
  if (s == nullptr) return std::nullopt;
  return api::rates{s->cps, s->inpps, s->outpps, s->inbps, s->outbps};
}

// What one real server's row is made of, gathered by the runtime: plain values, so that the row
// does not depend on where the runtime keeps them.
struct server_facts {
  const config::real_server& rs;
  const hc::server_state& health;
  bool has_check = false;
  const override_entry* override_by = nullptr;
  bool drain_tracked = false;             // the reconciler drains it (failed, removed)
  const ipvs::dest* in_kernel = nullptr;  // as last read
  std::optional<unsigned> wanted_weight;  // in the desired table
  const agent_input* agent = nullptr;     // none: no agent check
};

api::agent_status agent_answer(const agent_input& a, unsigned configured_weight) {
  api::agent_status out;
  out.said = agent_summary(a, configured_weight);
  if (a.state) {
    out.reachable = a.state->reachable;
    out.weight_percent = a.state->weight_percent;
    out.maxconn = a.state->maxconn;
  }
  out.reason = a.last_reason;
  return out;
}

api::real_server server_answer(const server_facts& f) {
  api::real_server row;
  const auto* kd = f.in_kernel;
  const auto* o = f.override_by;
  row.address = to_string(f.rs.address);
  row.state = health_of(f.health.current);
  row.reason = f.health.last ? f.health.last->reason : std::string(f.has_check ? "" : "no check");
  row.configured_weight = f.rs.weight;
  row.weight = f.wanted_weight;
  row.draining = f.drain_tracked || (o != nullptr && o->kind == override_kind::drain);
  if (!row.weight && row.draining && kd != nullptr) row.weight = 0;
  if (kd != nullptr) row.kernel_weight = kd->attrs.weight;
  if (o != nullptr) {
    row.override_by = o->kind == override_kind::drain ? api::override_kind::drain : api::override_kind::weight;
    if (o->kind == override_kind::weight) row.override_weight = o->weight;
  }
  row.active_conns = kd != nullptr ? kd->counters.active : 0;
  row.inactive_conns = kd != nullptr ? kd->counters.inactive : 0;
  row.stats = rates_of(kd != nullptr ? &kd->counters.stats : nullptr);
  if (f.agent != nullptr) row.agent = agent_answer(*f.agent, f.rs.weight);
  return row;
}

}  // namespace

service_runtime::impl::kernel_view service_runtime::impl::view() const {
  const auto now = time_.now();
  kernel_view v;
  if (have_kernel_) v = {&last_kernel_, now - kernel_read_at_};
  // The reader's snapshot is the one source of statistics once there is one: mixing it with the
  // reconcile reads would make counters jump between two reads of different ages.
  if (stats_ && stats_->last()) {
    v = {&stats_->last()->table, now - stats_->last()->taken};
  }
  return v;
}

void service_runtime::impl::update_watches() {
  std::set<std::string> keys;
  for (const auto& e : services_) {
    for (const auto& server : e.checks) {
      for (const auto& c : server) keys.insert(hc::canonical_key(*c));
    }
  }
  for (auto it = watches_.begin(); it != watches_.end();) {
    it = keys.count(it->first) == 0 ? watches_.erase(it) : std::next(it);
  }
  for (const auto& e : services_) {
    for (const auto& server : e.checks) {
      for (const auto& c : server) {
        auto key = hc::canonical_key(*c);
        if (watches_.count(key) != 0) continue;
        auto& w = watches_[key];
        w.sub = checks_.subscribe(*c, [this, key](const hc::check_event&) {
          auto found = watches_.find(key);
          if (found != watches_.end()) found->second.last_run = std::chrono::system_clock::now();
        });
      }
    }
  }
}

std::vector<api::service> service_runtime::impl::services() const {
  std::vector<api::service> out;
  out.reserve(services_.size());
  each_service([&out](api::service&& s) { out.push_back(std::move(s)); });
  return out;
}

void service_runtime::impl::each_service(const std::function<void(api::service&&)>& write) const {
  const auto kv = view();
  static const ipvs::table none;
  const ipvs::table& kernel = kv.table != nullptr ? *kv.table : none;
  const auto agents = agents_.inputs();
  for (const auto& e : services_) {
    const auto& vs = *e.vs;
    const auto d = e.monitor ? e.monitor->desired() : hc::desired_service{};
    const group_view in_group(kernel, e.keys);
    const ipvs::service* in_kernel = in_group.get();
    // What lbd wants of this service now, as a pass would compute it, without the whole table.
    const auto wanted =
        e.monitor ? dests_of(vs, {{vs.name, d}}, overrides_, &agents) : std::map<ipvs::dest_key, ipvs::dest>{};
    api::service svc;
    svc.name = vs.name;
    svc.key = ipvs::to_string(e.keys.front());
    for (std::size_t i = 1; i < e.keys.size(); ++i) svc.also.push_back(ipvs::to_string(e.keys[i]));
    svc.scheduler = std::string(config::to_string(vs.sched));
    svc.method = forwarding_of(vs.method);
    if (const auto& pool = cfg_->ipvs.fullnat.pool_of(vs.family); vs.method == config::forwarding::fullnat && pool) {
      svc.source_nat = config::to_string(*pool);
    }
    svc.quorum = d.quorum;
    svc.sorry_active = d.sorry_active;
    svc.vrrp = vs.vrrp;
    if (kv.table != nullptr) svc.stats_age_seconds = std::chrono::duration<double>(kv.age).count();
    svc.stats = rates_of(in_kernel != nullptr ? &in_kernel->stats : nullptr);
    if (in_kernel != nullptr) {
      for (const auto& [dk, dv] : in_kernel->dests) {
        svc.active_conns += dv.counters.active;
        svc.inactive_conns += dv.counters.inactive;
      }
    }
    for (std::size_t i = 0; i < vs.real_servers.size(); ++i) {
      const auto& rs = vs.real_servers[i];
      const auto dk = dest_key_of(rs.address);
      server_facts f{
          rs,
          e.monitor->server(i),
          !e.checks.at(i).empty(),
          overrides_.find(server_ref{vs.name, rs.address}),
          std::any_of(e.keys.begin(), e.keys.end(), [&](const ipvs::service_key& k) { return ipvs_.draining(k, dk); }),
          nullptr,
          std::nullopt,
          agents_.find(server_ref{vs.name, rs.address})};
      if (in_kernel != nullptr) {
        const auto it = in_kernel->dests.find(dk);
        if (it != in_kernel->dests.end()) f.in_kernel = &it->second;
      }
      if (const auto wd = wanted.find(dk); wd != wanted.end()) f.wanted_weight = wd->second.attrs.weight;
      svc.real_servers.push_back(server_answer(f));
      svc.real_servers.back().ejected = ejection_text(e.vs->name, rs.address);
      svc.real_servers.back().slow_start = ramp_text(e.vs->name, rs.address);
    }
    write(std::move(svc));
  }
}

std::optional<std::string> service_runtime::impl::ejection_text(const std::string& service,
                                                                const endpoint& server) const {
  const auto it = outliers_.find(service);
  if (it == outliers_.end()) return std::nullopt;
  const auto out = it->second.detector.ejection(server);
  if (!out) return std::nullopt;
  const auto left = std::max(out->until - time_.now(), hc::duration::zero());
  const auto seconds = std::chrono::ceil<std::chrono::seconds>(left).count();
  return fmt::format("back in {}s (ejection {} in a row)", seconds, out->in_a_row);
}

std::vector<api::check> service_runtime::impl::checks() const {
  std::map<std::string, std::set<std::string>> users;
  for (const auto& e : services_) {
    for (const auto& server : e.checks) {
      for (const auto& c : server) users[hc::canonical_key(*c)].insert(e.vs->name);
    }
  }
  std::vector<api::check> out;
  checks_.for_each([&](const hc::check_spec& spec, const hc::server_state& st) {
    const auto key = hc::canonical_key(spec);
    const auto w = watches_.find(key);
    const auto u = users.find(key);
    api::check& c = out.emplace_back();
    c.name = hc::display_name(spec);
    c.type = hc::type_name(spec.params);
    c.target = to_string(spec.target);
    if (const auto* route = hc::route_of(spec.params)) {
      c.data_path = api::check_data_path{route->fwmark, route->via.to_string()};
    }
    c.state = health_of(st.current);
    if (st.last) {
      c.reason = st.last->reason;
      c.latency_ms = std::chrono::duration<double, std::milli>(st.last->latency).count();
    }
    c.successes = st.consecutive_ok;
    c.failures = st.consecutive_fail;
    c.probes = st.probes;
    if (w != watches_.end()) c.last_run = w->second.last_run;
    if (u != users.end()) c.users.assign(u->second.begin(), u->second.end());
  });
  return out;
}

std::string service_runtime::impl::kernel_stats_text() {
  if (!needs_kernel()) return {};
  const auto kv = view();
  if (kv.table == nullptr) return {};
  metrics_
      .get_gauge("lbd_ipvs_stats_age_seconds",
                 "Age of the kernel read the IPVS statistics series come from (read off the main loop)")
      .set(std::chrono::duration<double>(kv.age).count());
  std::vector<stats_source> sources;
  sources.reserve(services_.size());
  for (const auto& e : services_) sources.push_back({e.vs->name, &e.keys});
  return render_ipvs_stats(sources, *kv.table);
}

}  // namespace lbd::daemon

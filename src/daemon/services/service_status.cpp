// SPDX-License-Identifier: GPL-2.0-or-later
// What the service runtime shows: lbctl services/checks and the kernel's per-service and
// per-real-server statistics as metrics.
#include <fmt/chrono.h>

#include "config/names.hpp"
#include "daemon/services/service_runtime_impl.hpp"

namespace lbd::daemon {
namespace {

namespace hc = healthcheck;

std::string rfc3339(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", fmt::gmtime(std::chrono::system_clock::to_time_t(t)), ms);
}

// The kernel's per-second estimates (connections, packets, bytes); null when not in the kernel.
nlohmann::json rates(const ipvs::stats* s) {
  if (s == nullptr) return nullptr;
  return {{"cps", s->cps}, {"inpps", s->inpps}, {"outpps", s->outpps}, {"inbps", s->inbps}, {"outbps", s->outbps}};
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
    for (const auto& c : e.checks) {
      if (c) keys.insert(hc::canonical_key(*c));
    }
  }
  for (auto it = watches_.begin(); it != watches_.end();) {
    it = keys.count(it->first) == 0 ? watches_.erase(it) : std::next(it);
  }
  for (const auto& e : services_) {
    for (const auto& c : e.checks) {
      if (!c) continue;
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

nlohmann::json service_runtime::impl::services() const {
  const auto kv = view();
  static const ipvs::table none;
  const ipvs::table& kernel = kv.table != nullptr ? *kv.table : none;
  const nlohmann::json age =
      kv.table != nullptr ? nlohmann::json(std::chrono::duration<double>(kv.age).count()) : nlohmann::json(nullptr);
  const auto want = desired();
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : services_) {
    const auto& vs = e.vs;
    const auto d = e.monitor ? e.monitor->desired() : hc::desired_service{};
    const auto k = kernel.find(e.key);
    const ipvs::service* in_kernel = k == kernel.end() ? nullptr : &k->second;
    const auto w = want.services.find(e.key);
    std::uint64_t active = 0;
    std::uint64_t inactive = 0;
    if (in_kernel != nullptr) {
      for (const auto& [dk, dv] : in_kernel->dests) {
        active += dv.counters.active;
        inactive += dv.counters.inactive;
      }
    }
    nlohmann::json servers = nlohmann::json::array();
    for (std::size_t i = 0; i < vs.real_servers.size(); ++i) {
      const auto& rs = vs.real_servers[i];
      const auto dk = dest_key_of(rs.address);
      const hc::server_state& st = e.monitor->server(i);
      const auto* o = overrides_.find(server_ref{vs.name, rs.address});
      const ipvs::dest* kd = nullptr;
      if (in_kernel != nullptr) {
        const auto it = in_kernel->dests.find(dk);
        if (it != in_kernel->dests.end()) kd = &it->second;
      }
      nlohmann::json weight = nullptr;
      if (w != want.services.end()) {
        const auto wd = w->second.dests.find(dk);
        if (wd != w->second.dests.end()) weight = wd->second.attrs.weight;
      }
      const bool draining =
          reconciler_.drains().draining(e.key, dk) || (o != nullptr && o->kind == override_kind::drain);
      if (weight.is_null() && draining && kd != nullptr) weight = 0;
      servers.push_back({
          {"address", to_string(rs.address)},
          {"health", std::string(hc::to_string(st.current))},
          {"reason", st.last ? st.last->reason : std::string(e.checks.at(i) ? "" : "no check")},
          {"configured_weight", rs.weight},
          {"weight", weight},
          {"kernel_weight", kd != nullptr ? nlohmann::json(kd->attrs.weight) : nlohmann::json(nullptr)},
          {"override", o != nullptr ? nlohmann::json(std::string(to_string(o->kind))) : nlohmann::json(nullptr)},
          {"override_weight",
           o != nullptr && o->kind == override_kind::weight ? nlohmann::json(o->weight) : nlohmann::json(nullptr)},
          {"draining", draining},
          {"active_conns", kd != nullptr ? kd->counters.active : 0},
          {"inactive_conns", kd != nullptr ? kd->counters.inactive : 0},
          {"rates", rates(kd != nullptr ? &kd->counters.stats : nullptr)},
      });
    }
    out.push_back({
        {"name", vs.name},
        {"service", ipvs::to_string(e.key)},
        {"scheduler", std::string(config::to_string(vs.sched))},
        {"forwarding", std::string(config::to_string(vs.method))},
        {"quorum", d.quorum},
        {"sorry_active", d.sorry_active},
        {"vrrp", vs.vrrp ? nlohmann::json(*vs.vrrp) : nlohmann::json(nullptr)},
        {"active_conns", active},
        {"inactive_conns", inactive},
        {"stats_age_seconds", age},
        {"rates", rates(in_kernel != nullptr ? &in_kernel->stats : nullptr)},
        {"real_servers", std::move(servers)},
    });
  }
  return out;
}

nlohmann::json service_runtime::impl::checks() const {
  std::map<std::string, std::set<std::string>> users;
  for (const auto& e : services_) {
    for (const auto& c : e.checks) {
      if (c) users[hc::canonical_key(*c)].insert(e.vs.name);
    }
  }
  nlohmann::json out = nlohmann::json::array();
  checks_.for_each([&](const hc::check_spec& spec, const hc::server_state& st) {
    const auto key = hc::canonical_key(spec);
    const auto w = watches_.find(key);
    const auto u = users.find(key);
    out.push_back({
        {"check", hc::display_name(spec)},
        {"type", hc::type_name(spec.params)},
        {"target", to_string(spec.target)},
        {"status", std::string(hc::to_string(st.current))},
        {"reason", st.last ? st.last->reason : std::string()},
        {"latency_ms", st.last ? nlohmann::json(std::chrono::duration<double, std::milli>(st.last->latency).count())
                               : nlohmann::json(nullptr)},
        {"successes", st.consecutive_ok},
        {"failures", st.consecutive_fail},
        {"probes", st.probes},
        {"last_run", w != watches_.end() && w->second.last_run ? nlohmann::json(rfc3339(*w->second.last_run))
                                                               : nlohmann::json(nullptr)},
        {"users", u != users.end() ? nlohmann::json(u->second) : nlohmann::json::array()},
    });
  });
  return out;
}

void service_runtime::impl::refresh_kernel_stats() {
  if (!needs_kernel()) return;
  const auto kv = view();
  if (kv.table == nullptr) return;
  const ipvs::table& kernel = *kv.table;
  metrics_
      .get_gauge("lbd_ipvs_stats_age_seconds",
                 "Age of the kernel read the IPVS statistics series come from (read off the main loop)")
      .set(std::chrono::duration<double>(kv.age).count());
  std::set<std::pair<std::string, metrics::labels>> seen;
  // The kernel's statistics are monotonic: counters whose total is copied from the kernel.
  auto total = [&](const std::string& name, const char* help, metrics::labels l, std::uint64_t v) {
    metrics_.get_counter(name, help, l).set_total(static_cast<double>(v));
    seen.emplace(name, std::move(l));
  };
  auto level = [&](const std::string& name, const char* help, metrics::labels l, std::uint64_t v) {
    metrics_.get_gauge(name, help, l).set(static_cast<double>(v));
    seen.emplace(name, std::move(l));
  };
  for (const auto& e : services_) {
    const auto k = kernel.find(e.key);
    if (k == kernel.end()) continue;
    const auto& s = k->second.stats;
    const std::string& name = e.vs.name;
    total("lbd_ipvs_service_connections_total", "Connections the kernel scheduled for the service", {{"service", name}},
          s.conns);
    total("lbd_ipvs_service_packets_total", "Packets through the service, by direction",
          {{"service", name}, {"direction", "in"}}, s.inpkts);
    total("lbd_ipvs_service_packets_total", "Packets through the service, by direction",
          {{"service", name}, {"direction", "out"}}, s.outpkts);
    total("lbd_ipvs_service_bytes_total", "Bytes through the service, by direction",
          {{"service", name}, {"direction", "in"}}, s.inbytes);
    total("lbd_ipvs_service_bytes_total", "Bytes through the service, by direction",
          {{"service", name}, {"direction", "out"}}, s.outbytes);
    for (const auto& [dk, dv] : k->second.dests) {
      const metrics::labels l{{"service", name}, {"server", ipvs::to_string(dk)}};
      const auto& c = dv.counters;
      level("lbd_ipvs_realserver_active_connections", "Active connections to the real server", l, c.active);
      level("lbd_ipvs_realserver_inactive_connections", "Inactive connections to the real server", l, c.inactive);
      total("lbd_ipvs_realserver_connections_total", "Connections the kernel scheduled to the real server", l,
            c.stats.conns);
      auto with = [&](const char* dir) {
        auto x = l;
        x.emplace_back("direction", dir);
        return x;
      };
      total("lbd_ipvs_realserver_packets_total", "Packets to and from the real server, by direction", with("in"),
            c.stats.inpkts);
      total("lbd_ipvs_realserver_packets_total", "Packets to and from the real server, by direction", with("out"),
            c.stats.outpkts);
      total("lbd_ipvs_realserver_bytes_total", "Bytes to and from the real server, by direction", with("in"),
            c.stats.inbytes);
      total("lbd_ipvs_realserver_bytes_total", "Bytes to and from the real server, by direction", with("out"),
            c.stats.outbytes);
    }
  }
  for (const auto& old : stat_series_) {
    if (seen.count(old) == 0) metrics_.remove(old.first, old.second);
  }
  stat_series_ = std::move(seen);
}

void service_runtime::impl::export_weights(const ipvs::table& programmed) {
  std::set<metrics::labels> seen;
  for (const auto& e : services_) {
    const auto svc = programmed.find(e.key);
    for (const auto& rs : e.vs.real_servers) {
      unsigned weight = 0;  // drained, failed and removed servers: no traffic
      if (svc != programmed.end()) {
        const auto d = svc->second.dests.find(dest_key_of(rs.address));
        if (d != svc->second.dests.end()) weight = d->second.attrs.weight;
      }
      metrics::labels l{{"service", e.vs.name}, {"server", to_string(rs.address)}};
      metrics_
          .get_gauge("lbd_realserver_weight",
                     "Weight lbd programs for the real server now (0: drained, failed or absent)", l)
          .set(weight);
      seen.insert(std::move(l));
    }
  }
  for (const auto& old : weight_series_) {
    if (seen.count(old) == 0) metrics_.remove("lbd_realserver_weight", old);
  }
  weight_series_ = std::move(seen);
}

}  // namespace lbd::daemon

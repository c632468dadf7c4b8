// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/anycast/anycast_runtime.hpp"

#include <fmt/format.h>

namespace lbd::daemon {
namespace {

metrics::gauge& announced_gauge(metrics::registry& m, const std::string& group) {
  return m.get_gauge("lbd_anycast_announced",
                     "Whether the anycast group's routes are announced from this director (1) or withdrawn (0)",
                     {{"group", group}});
}

}  // namespace

anycast_runtime::anycast_runtime(metrics::registry& metrics, std::unique_ptr<anycast_host> host)
    : metrics_(metrics), host_(std::move(host)) {}

void anycast_runtime::apply(const config::config& cfg) {
  std::vector<anycast::group_spec> specs;
  std::set<placed_vip> wanted;
  std::set<std::string> kept;
  interface_of_.clear();
  for (const auto& g : cfg.anycast) {
    specs.push_back({g.name, g.virtual_ips, {g.low_watermark, g.high_watermark}});
    for (const auto& ip : g.virtual_ips) wanted.insert({g.interface, anycast::host_route(ip)});
    interface_of_[g.name] = g.interface;
    kept.insert(g.name);
  }
  group_of_.clear();
  for (const auto& vs : cfg.virtual_servers) {
    if (vs.anycast) group_of_[vs.name] = *vs.anycast;
  }
  for (const auto& g : announcer_.groups()) {
    if (kept.count(g.spec.name) == 0) metrics_.remove("lbd_anycast_announced", {{"group", g.spec.name}});
  }
  announcer_.configure(specs);
  for (const auto& g : announcer_.groups()) announced_gauge(metrics_, g.spec.name).set(g.gate.announced() ? 1 : 0);
  // The VIPs first: a route must never draw traffic to a director that would not accept it.
  place_vips(wanted);
  if (cfg.anycast.empty()) {
    if (host_->is_open()) log_.notice("no anycast group left: the announcement device {} is closed", where_->device);
    host_->close();
    where_.reset();
    return;
  }
  if (!host_->is_open() || where_ != cfg.global.anycast) {
    where_ = cfg.global.anycast;
    retry_open_ = true;
  }
  sync_routes();
}

void anycast_runtime::place_vips(const std::set<placed_vip>& wanted) {
  for (auto it = vips_.begin(); it != vips_.end();) {
    if (wanted.count(*it) != 0) {
      ++it;
      continue;
    }
    if (auto ok = host_->remove_address(it->interface, it->address); !ok) {
      log_.warning("removing {} from {}: {}", to_string(it->address), it->interface, ok.error());
    }
    it = vips_.erase(it);
  }
  for (const auto& v : wanted) {
    if (vips_.count(v) != 0) continue;
    if (auto ok = host_->add_address(v.interface, v.address); !ok) {
      log_.err("adding the VIP {} to {}: {}", to_string(v.address), v.interface, ok.error());
      continue;
    }
    vips_.insert(v);
  }
}

void anycast_runtime::observe(const std::vector<service_weight>& weights) {
  if (announcer_.groups().empty()) return;
  std::map<std::string, anycast::weight_sum> sums;
  for (const auto& w : weights) {
    const auto it = group_of_.find(w.service);
    if (it == group_of_.end()) continue;
    auto& s = sums[it->second];
    s.live += w.live;
    s.configured += w.configured;
  }
  for (const auto& c : announcer_.update(sums)) note(c);
  sync_routes();
}

void anycast_runtime::note(const anycast::announcement_change& c) {
  since_[c.group] = std::chrono::system_clock::now();
  announced_gauge(metrics_, c.group).set(c.announce ? 1 : 0);
  metrics_
      .get_counter("lbd_anycast_changes_total", "Announcements and withdrawals of anycast groups' routes",
                   {{"group", c.group}, {"action", c.announce ? "announce" : "withdraw"}})
      .inc();
  log_.with({{log::event_field, c.announce ? "anycast_announce" : "anycast_withdraw"}, {log::reason_field, c.reason}})
      .log(c.announce ? log::level::notice : log::level::warning, "anycast[{}] {}: {}", c.group,
           c.announce ? "announced" : "withdrawn", c.reason);
}

void anycast_runtime::sync_routes() {
  if (!where_) return;
  const auto routes = announcer_.routes();
  // The device is opened when there is something to announce: until then a director whose
  // services are not ready holds nothing the routing daemon could pick up.
  if (retry_open_ && !routes.empty()) {
    if (auto opened = host_->open(*where_); !opened) {
      if (route_error_ != opened.error()) log_.err("announcement device: {}", opened.error());
      route_error_ = opened.error();
      metrics_.get_counter("lbd_anycast_route_errors_total", "Failures to open lbd's device or to change its routes")
          .inc();
      return;
    }
    retry_open_ = false;
    log_.info("announcement device {} open (routes of protocol {} in table {})", where_->device, where_->protocol,
              where_->table);
  }
  if (!host_->is_open()) return;
  auto applied = host_->set_routes(routes);
  if (!applied) {
    if (route_error_ != applied.error()) log_.err("announced routes: {}", applied.error());
    route_error_ = applied.error();
    metrics_.get_counter("lbd_anycast_route_errors_total", "Failures to open lbd's device or to change its routes")
        .inc();
    return;
  }
  if (!route_error_.empty()) log_.notice("announced routes as decided again");
  route_error_.clear();
  for (const auto& p : applied->add) log_.info("route {} added", to_string(p));
  for (const auto& p : applied->remove) log_.info("route {} removed", to_string(p));
}

bool anycast_runtime::withdraw_all() {
  bool any = false;
  for (const auto& c : announcer_.stop()) {
    note(c);
    any = true;
  }
  // Closing the device deletes its routes in one step, whatever the last sync left.
  host_->close();
  retry_open_ = false;
  return any;
}

void anycast_runtime::finish() {
  host_->close();
  place_vips({});
  where_.reset();
}

std::vector<api::anycast_group> anycast_runtime::status() const {
  std::vector<api::anycast_group> out;
  for (const auto& g : announcer_.groups()) {
    api::anycast_group a;
    a.name = g.spec.name;
    for (const auto& ip : g.spec.virtual_ips) a.virtual_ips.push_back(ip.to_string());
    if (auto it = interface_of_.find(g.spec.name); it != interface_of_.end()) a.interface = it->second;
    a.announced = g.gate.announced();
    a.reason = g.reason;
    if (auto it = since_.find(g.spec.name); it != since_.end()) a.since = it->second;
    a.live_weight = g.weights.live;
    a.configured_weight = g.weights.configured;
    a.high_watermark = g.spec.marks.high_percent;
    a.low_watermark = g.spec.marks.low_percent;
    a.route_error = route_error_;
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace lbd::daemon

// SPDX-License-Identifier: GPL-2.0-or-later
// lbd_realserver_weight and the services' weight sums after a pass. A pass of changes touches a few
// services of thousands: only theirs are exported again, the others keep their series and sums.
#include <string_view>

#include "daemon/services/service_runtime_impl.hpp"

namespace lbd::daemon {

std::vector<service_weight> service_runtime::impl::export_weights(const ipvs::table& kernel,
                                                                  const ipvs::ownership* scope) {
  static const std::string name = "lbd_realserver_weight";
  std::vector<service_weight> sums;
  sums.reserve(services_.size());
  std::set<std::string_view> configured;
  for (const auto& e : services_) {
    const std::string& service = e.vs->name;
    configured.insert(service);
    const auto known = weight_sums_.find(service);
    if (scope != nullptr && scope->count(e.keys.front()) == 0 && export_also_.count(service) == 0 &&
        known != weight_sums_.end()) {
      sums.push_back(known->second);
      continue;
    }
    const auto svc = kernel.find(e.keys.front());  // every entry point holds the same weights
    service_weight sum{service, 0, 0};
    std::set<std::string> servers;
    for (const auto& rs : e.vs->real_servers) {
      unsigned weight = 0;  // drained, failed and removed servers: no traffic
      if (svc != kernel.end()) {
        const auto d = svc->second.dests.find(dest_key_of(rs.address));
        if (d != svc->second.dests.end()) weight = d->second.attrs.weight;
      }
      sum.live += weight;
      sum.configured += rs.weight;
      auto server = to_string(rs.address);
      metrics_
          .get_gauge(name, "Weight lbd programs for the real server now (0: drained, failed or absent)",
                     {{"service", service}, {"server", server}})
          .set(weight);
      servers.insert(std::move(server));
    }
    auto& exported = weight_series_[service];
    for (const auto& old : exported) {
      if (servers.count(old) == 0) metrics_.remove(name, {{"service", service}, {"server", old}});
    }
    exported = std::move(servers);
    weight_sums_[service] = sum;
    sums.push_back(std::move(sum));
  }
  for (auto it = weight_series_.begin(); it != weight_series_.end();) {
    if (configured.count(it->first) != 0) {
      ++it;
      continue;
    }
    for (const auto& old : it->second) metrics_.remove(name, {{"service", it->first}, {"server", old}});
    weight_sums_.erase(it->first);
    it = weight_series_.erase(it);
  }
  export_also_.clear();
  return sums;
}

}  // namespace lbd::daemon

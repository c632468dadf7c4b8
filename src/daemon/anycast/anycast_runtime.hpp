// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Active/active: the [[anycast]] groups of the running config on this director. Their VIPs are local
// addresses while lbd runs; each group's host routes go through lbd's announcement device while the
// group's services carry enough live weight (anycast::announcer), for the routing daemon to announce
// over BGP. Fed after every IPVS pass; each decision is logged once with its reason and counted.
//
// A graceful stop is two steps: withdraw_all() (the routes go, the services keep serving the flows
// the upstream routers still send), then, global.anycast.stop_delay later, finish() (the VIPs go).
// When lbd dies the kernel deletes the device and its routes: nothing stays announced.
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "anycast/announcer.hpp"
#include "common/log.hpp"
#include "common/metrics.hpp"
#include "config/model.hpp"
#include "daemon/anycast/anycast_host.hpp"
#include "daemon/services/service_runtime.hpp"
#include "status/answers.hpp"

namespace lbd::daemon {

// A VIP on its interface.
struct placed_vip {
  std::string interface;
  prefix address;
  friend bool operator<(const placed_vip& a, const placed_vip& b) {
    if (a.interface != b.interface) return a.interface < b.interface;
    return anycast::prefix_less(a.address, b.address);
  }
};

class anycast_runtime {
 public:
  anycast_runtime(metrics::registry& metrics, std::unique_ptr<anycast_host> host);

  // Start and reload: the groups, their VIPs on their interfaces (those that left the config go),
  // the device (re-opened when its settings change, closed when no group is left).
  void apply(const config::config& cfg);
  // After an IPVS pass: the weights of every service.
  void observe(const std::vector<service_weight>& weights);
  // Graceful stop, first step: every route withdrawn. Whether one was announced (then the caller
  // waits the stop delay before the services go).
  bool withdraw_all();
  // Last step: the VIPs lbd added go, and the device.
  void finish();

  [[nodiscard]] std::vector<api::anycast_group> status() const;

 private:
  void sync_routes();
  void place_vips(const std::set<placed_vip>& wanted);
  void note(const anycast::announcement_change& c);

  metrics::registry& metrics_;
  std::unique_ptr<anycast_host> host_;
  log::logger log_{"anycast"};
  anycast::announcer announcer_;
  std::optional<config::anycast_routes> where_;  // the settings the device was opened with
  std::map<std::string, std::string> group_of_;  // service -> group
  std::map<std::string, std::string> interface_of_;
  // The VIPs lbd put on their interfaces.
  std::set<placed_vip> vips_;
  std::map<std::string, std::chrono::system_clock::time_point> since_;
  std::string route_error_;
  bool retry_open_ = false;
};

}  // namespace lbd::daemon

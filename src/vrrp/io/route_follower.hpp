// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// An instance's virtual_routes and virtual_rules follow its VIPs, as keepalived's do: added after
// the VIPs (a route may name a VIP as its source, which the kernel accepts only once the address is
// there), rules after routes; removed in the opposite order before the VIPs go. Each failure is
// logged and counted (lbd_vrrp_route_errors_total) and the rest still applied; the counts added and
// removed are logged once per transition. Without routes or rules nothing is opened.
#include <memory>
#include <string>
#include <vector>

#include "common/log.hpp"
#include "common/metrics.hpp"
#include "common/result.hpp"
#include "common/routing_session.hpp"

namespace lbd::vrrp::io {

class route_follower {
 public:
  static result<std::unique_ptr<route_follower>, std::string> open(std::string instance,
                                                                   std::vector<netif::route_spec> routes,
                                                                   std::vector<netif::rule_spec> rules,
                                                                   metrics::registry& metrics);
  // With the VIPs: adds the routes, then the rules.
  void add(const log::logger& log);
  // Before the VIPs go: removes the rules, then the routes. `quiet`: a clean-up at start of what a
  // previous run may have left, logged only when something fails.
  void remove(const log::logger& log, bool quiet = false);
  // A reload's lists. While the VIPs are in (`active`): what left is removed and what is new is
  // added, the rest stays untouched (no restart of the instance, no gap for the routes kept).
  void replace(std::vector<netif::route_spec> routes, std::vector<netif::rule_spec> rules, bool active,
               const log::logger& log);

 private:
  route_follower(std::string instance, std::vector<netif::route_spec> routes, std::vector<netif::rule_spec> rules,
                 metrics::registry& metrics)
      : instance_(std::move(instance)), routes_(std::move(routes)), rules_(std::move(rules)), metrics_(metrics) {}
  void failed(const log::logger& log, const std::string& why);

  std::string instance_;
  std::vector<netif::route_spec> routes_;
  std::vector<netif::rule_spec> rules_;
  metrics::registry& metrics_;
  std::unique_ptr<netif::routing_session> session_;  // null without routes and rules
};

}  // namespace lbd::vrrp::io

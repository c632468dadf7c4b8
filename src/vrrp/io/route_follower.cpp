// SPDX-License-Identifier: GPL-2.0-or-later
#include "vrrp/io/route_follower.hpp"

#include <algorithm>

namespace lbd::vrrp::io {

result<std::unique_ptr<route_follower>, std::string> route_follower::open(std::string instance,
                                                                          std::vector<netif::route_spec> routes,
                                                                          std::vector<netif::rule_spec> rules,
                                                                          metrics::registry& metrics) {
  std::unique_ptr<route_follower> f(
      new route_follower(std::move(instance), std::move(routes), std::move(rules), metrics));
  if (f->routes_.empty() && f->rules_.empty()) return f;
  auto s = netif::routing_session::open();
  if (!s) return unexpected(s.error());
  f->session_ = std::move(*s);
  return f;
}

void route_follower::failed(const log::logger& log, const std::string& why) {
  metrics_
      .get_counter("lbd_vrrp_route_errors_total", "Virtual route or rule add/remove failures",
                   {{"vrrp_instance", instance_}})
      .inc();
  log.err("{}", why);
}

void route_follower::add(const log::logger& log) {
  if (!session_) return;
  std::size_t done = 0;
  const auto count = [&](const status<std::string>& s) { s ? void(++done) : failed(log, s.error()); };
  for (const auto& r : routes_) count(session_->add(r));
  for (const auto& r : rules_) count(session_->add(r));
  log.info("virtual routes and rules added: {} of {}", done, routes_.size() + rules_.size());
}

void route_follower::remove(const log::logger& log, bool quiet) {
  if (!session_) return;
  std::size_t done = 0;
  const auto count = [&](const status<std::string>& s) { s ? void(++done) : failed(log, s.error()); };
  for (auto it = rules_.rbegin(); it != rules_.rend(); ++it) count(session_->remove(*it));
  for (auto it = routes_.rbegin(); it != routes_.rend(); ++it) count(session_->remove(*it));
  if (!quiet) log.info("virtual routes and rules removed: {} of {}", done, routes_.size() + rules_.size());
}

namespace {

template <typename T>
bool listed(const std::vector<T>& list, const T& x) {
  return std::find(list.begin(), list.end(), x) != list.end();
}

}  // namespace

void route_follower::replace(std::vector<netif::route_spec> routes, std::vector<netif::rule_spec> rules, bool active,
                             const log::logger& log) {
  if (!session_ && (!routes.empty() || !rules.empty())) {
    auto s = netif::routing_session::open();
    if (!s) {
      failed(log, s.error());
      return;
    }
    session_ = std::move(*s);
  }
  if (active && session_) {
    std::size_t removed = 0;
    std::size_t added = 0;
    const auto count = [&](const status<std::string>& s, std::size_t& n) { s ? void(++n) : failed(log, s.error()); };
    for (auto it = rules_.rbegin(); it != rules_.rend(); ++it) {
      if (!listed(rules, *it)) count(session_->remove(*it), removed);
    }
    for (auto it = routes_.rbegin(); it != routes_.rend(); ++it) {
      if (!listed(routes, *it)) count(session_->remove(*it), removed);
    }
    for (const auto& r : routes) {
      if (!listed(routes_, r)) count(session_->add(r), added);
    }
    for (const auto& r : rules) {
      if (!listed(rules_, r)) count(session_->add(r), added);
    }
    log.info("virtual routes and rules changed in place: {} removed, {} added", removed, added);
  }
  routes_ = std::move(routes);
  rules_ = std::move(rules);
}

}  // namespace lbd::vrrp::io

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Helpers for driving vrrp::instance with a fake clock.
#include <optional>
#include <vector>

#include "vrrp/instance.hpp"

namespace lbd::vrrp::test {

inline instance_config web_config(version v = version::v3, std::uint8_t priority = 100) {
  instance_config c;
  c.name = "web";
  c.interface = "eth0";
  c.vrid = 51;
  c.version = v;
  c.priority = priority;
  c.advert_interval = v == version::v3 ? centiseconds(10) : centiseconds(100);
  c.primary_address = boost::asio::ip::make_address("10.0.0.2");
  c.virtual_ips = {prefix{boost::asio::ip::make_address("192.0.2.10"), 24}};
  c.garp.repeat = 3;
  c.garp.second_burst = std::chrono::seconds(5);
  return c;
}

inline ev::advert_received advert_from(const char* source, std::uint8_t priority, const instance_config& c,
                                       std::optional<centiseconds> interval = std::nullopt) {
  advert a;
  a.version = c.version;
  a.vrid = c.vrid;
  a.priority = priority;
  a.max_advert_interval = interval.value_or(c.advert_interval);
  for (const auto& p : c.virtual_ips) a.addresses.push_back(p.address);
  a.auth = c.auth;
  return {a, boost::asio::ip::make_address(source)};
}

template <class A>
std::vector<A> all_of(const actions& as) {
  std::vector<A> out;
  for (const auto& a : as) {
    if (const auto* x = std::get_if<A>(&a)) out.push_back(*x);
  }
  return out;
}

template <class A>
std::optional<A> first_of(const actions& as) {
  auto v = all_of<A>(as);
  if (v.empty()) return std::nullopt;
  return v.front();
}

inline std::optional<act::arm_timer> armed(const actions& as, timer_kind k) {
  for (const auto& a : as) {
    if (const auto* x = std::get_if<act::arm_timer>(&a); x != nullptr && x->kind == k) return *x;
  }
  return std::nullopt;
}

inline bool cancels(const actions& as, timer_kind k) {
  for (const auto& a : as) {
    if (const auto* x = std::get_if<act::cancel_timer>(&a); x != nullptr && x->kind == k) return true;
  }
  return false;
}

}  // namespace lbd::vrrp::test

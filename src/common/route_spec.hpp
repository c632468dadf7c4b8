// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A route or a routing-policy rule that follows a VRRP instance's VIPs (lbd.conf vrrp
// virtual_routes / virtual_rules, keepalived's keywords of the same names): added once the VIPs are,
// removed before they go. Plain values, compared, printed as `ip route` / `ip rule` would show them,
// and checked (pure); common/route_session writes them to the kernel.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/address.hpp"

namespace lbd::netif {

inline constexpr std::uint32_t main_table = 254;
// The route protocol lbd's routes carry (unassigned in iproute2's rt_protos; the anycast routes of
// src/anycast carry it too): `ip route show proto 245` lists what lbd added.
inline constexpr std::uint8_t lbd_route_protocol = 245;

enum class route_kind { unicast, blackhole, unreachable, prohibit };
// The kernel's route scopes (rtm_scope): global 0, site 200, link 253, host 254.
enum class route_scope : std::uint8_t { global = 0, site = 200, link = 253, host = 254 };

struct route_spec {
  prefix to;                      // destination; 0.0.0.0/0 or ::/0 for a default route
  std::optional<ip_address> via;  // gateway
  std::string dev;                // outgoing interface; "" : the kernel finds it from `via`
  std::optional<ip_address> src;  // preferred source (usually a VIP)
  std::uint32_t table = main_table;
  std::optional<std::uint32_t> metric;
  route_kind kind = route_kind::unicast;
  std::optional<route_scope> scope;  // unset: as `ip route` chooses it (scope_of)
  friend bool operator==(const route_spec&, const route_spec&) = default;
};

// The scope a route is added with: its own, else `ip route`'s choice (link for a unicast route to
// an interface without a gateway, global otherwise).
route_scope scope_of(const route_spec& r);
const char* scope_name(route_scope s);

struct rule_spec {
  bool ipv6 = false;  // the family; from `from`/`to` when given
  std::optional<prefix> from;
  std::optional<prefix> to;
  std::uint32_t table = main_table;  // lookup
  std::optional<std::uint32_t> priority;
  std::optional<std::uint32_t> fwmark;
  std::string iif;
  std::string oif;
  friend bool operator==(const rule_spec&, const rule_spec&) = default;
};

// "10.20.0.0/16 via 192.0.2.1 dev eth0 src 192.0.2.10 table 100 metric 5", "blackhole 10.9.0.0/16".
std::string to_string(const route_spec& r);
// "from 192.0.2.10/32 fwmark 5 iif eth0 lookup 100 priority 100" (family "-6" first for IPv6).
std::string to_string(const rule_spec& r);

// What makes it impossible for the kernel, one message per problem: mixed families, a gateway of
// another family, a unicast route with neither gateway nor interface, host bits in a destination,
// a gateway or interface on a route of another kind.
std::vector<std::string> problems(const route_spec& r);
std::vector<std::string> problems(const rule_spec& r);

}  // namespace lbd::netif

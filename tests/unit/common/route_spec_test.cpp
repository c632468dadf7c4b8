// SPDX-License-Identifier: GPL-2.0-or-later
// Routes and rules that follow the VIPs: printed as `ip route` / `ip rule` show them, and what the
// kernel could not take, found before it is asked.
#include "common/route_spec.hpp"

#include <gtest/gtest.h>

namespace lbd::netif {
namespace {

prefix pfx(const char* text) { return *parse_prefix(text); }
ip_address ip(const char* text) { return *parse_address(text); }

TEST(route_spec, prints_as_ip_route_shows_it) {
  route_spec r{pfx("0.0.0.0/0"), ip("192.0.2.1"),     "",          std::nullopt, 100,
               std::nullopt,     route_kind::unicast, std::nullopt};
  EXPECT_EQ(to_string(r), "0.0.0.0/0 via 192.0.2.1 table 100");
  route_spec s{pfx("198.51.100.0/24"), std::nullopt, "eth1", ip("192.0.2.10"), main_table, 5,
               route_kind::unicast,    std::nullopt};
  EXPECT_EQ(to_string(s), "198.51.100.0/24 dev eth1 src 192.0.2.10 metric 5");
  route_spec b{pfx("10.9.0.0/16"), std::nullopt,          "",          std::nullopt, main_table,
               std::nullopt,       route_kind::blackhole, std::nullopt};
  EXPECT_EQ(to_string(b), "blackhole 10.9.0.0/16");
}

TEST(route_spec, takes_the_scope_ip_route_would_choose_unless_given_one) {
  route_spec dev{pfx("10.7.0.0/16"), std::nullopt,        "eth1",      std::nullopt, main_table,
                 std::nullopt,       route_kind::unicast, std::nullopt};
  EXPECT_EQ(scope_of(dev), route_scope::link);
  route_spec gw{pfx("10.7.0.0/16"), ip("192.0.2.1"),     "",          std::nullopt, main_table,
                std::nullopt,       route_kind::unicast, std::nullopt};
  EXPECT_EQ(scope_of(gw), route_scope::global);
  route_spec b{pfx("10.9.0.0/16"), std::nullopt,          "",          std::nullopt, main_table,
               std::nullopt,       route_kind::blackhole, std::nullopt};
  EXPECT_EQ(scope_of(b), route_scope::global);
  dev.scope = route_scope::global;  // keepalived's choice for every route, kept by an import
  EXPECT_EQ(scope_of(dev), route_scope::global);
  EXPECT_EQ(to_string(dev), "10.7.0.0/16 dev eth1 scope global");
}

TEST(route_spec, rules_print_as_ip_rule_shows_them) {
  rule_spec r;
  r.from = pfx("192.0.2.10/32");
  r.table = 100;
  r.priority = 100;
  EXPECT_EQ(to_string(r), "from 192.0.2.10/32 lookup 100 priority 100");
  rule_spec m;
  m.ipv6 = true;
  m.fwmark = 7;
  m.iif = "eth0";
  m.table = 7;
  EXPECT_EQ(to_string(m), "-6 from all fwmark 0x7 iif eth0 lookup 7");
}

TEST(route_spec, what_the_kernel_would_refuse) {
  route_spec r{pfx("10.0.0.0/8"), std::nullopt,        "",          std::nullopt, main_table,
               std::nullopt,      route_kind::unicast, std::nullopt};
  EXPECT_EQ(problems(r), std::vector<std::string>{"needs via or dev"});
  r.to = pfx("10.0.0.1/8");
  r.via = ip("2001:db8::1");
  EXPECT_EQ(problems(r),
            (std::vector<std::string>{"10.0.0.1/8 has host bits set", "via is not of the destination's family"}));
  route_spec b{pfx("10.0.0.0/8"), ip("10.1.1.1"),       "",          std::nullopt, main_table,
               std::nullopt,      route_kind::prohibit, std::nullopt};
  EXPECT_EQ(problems(b), std::vector<std::string>{"a prohibit route has no via or dev"});
  rule_spec mixed;
  mixed.from = pfx("192.0.2.0/24");
  mixed.to = pfx("2001:db8::/32");
  mixed.table = 100;
  EXPECT_EQ(problems(mixed), std::vector<std::string>{"from and to must be of one family"});
}

}  // namespace
}  // namespace lbd::netif

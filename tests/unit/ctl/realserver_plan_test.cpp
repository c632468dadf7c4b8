// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl/realserver/plan.hpp"

#include <gtest/gtest.h>

namespace lbd::ctl::realserver {
namespace {

request dr(const char* vip) { return {mode::dr, *parse_address(vip)}; }
request tun(const char* vip) { return {mode::tun, *parse_address(vip)}; }

std::vector<std::string> described(const std::vector<change>& cs) {
  std::vector<std::string> out;
  for (const auto& c : cs) out.push_back(describe(c));
  return out;
}

host_state fresh_v4() {
  host_state h;
  h.sysctls = {{"net.ipv4.conf.all.arp_ignore", "0"},
               {"net.ipv4.conf.all.arp_announce", "0"},
               {"net.ipv4.conf.all.rp_filter", "1"},
               {"net.ipv4.conf.tunl0.rp_filter", "1"}};
  return h;
}

TEST(RealServerPlan, DirectRoutingOnAFreshHost) {
  EXPECT_EQ(described(plan_setup(dr("192.0.2.10"), fresh_v4())),
            (std::vector<std::string>{"set net.ipv4.conf.all.arp_ignore 0 -> 1",
                                      "set net.ipv4.conf.all.arp_announce 0 -> 2", "add 192.0.2.10/32 to lo"}));
}

TEST(RealServerPlan, NothingWhenAlreadyDone) {
  auto h = fresh_v4();
  h.sysctls["net.ipv4.conf.all.arp_ignore"] = "2";  // stricter than needed is fine
  h.sysctls["net.ipv4.conf.all.arp_announce"] = "2";
  h.addresses_on_device = {*parse_prefix("127.0.0.1/8"), *parse_prefix("192.0.2.10/32")};
  EXPECT_TRUE(plan_setup(dr("192.0.2.10"), h).empty());
}

TEST(RealServerPlan, TunnelLoadsTheModuleAndLoosensReversePathFiltering) {
  auto h = fresh_v4();
  h.device_present = false;
  h.device_up = false;
  EXPECT_EQ(
      described(plan_setup(tun("192.0.2.10"), h)),
      (std::vector<std::string>{"load kernel module ipip", "bring tunl0 up", "set net.ipv4.conf.all.arp_ignore 0 -> 1",
                                "set net.ipv4.conf.all.arp_announce 0 -> 2", "set net.ipv4.conf.all.rp_filter 1 -> 2",
                                "set net.ipv4.conf.tunl0.rp_filter 1 -> 0", "add 192.0.2.10/32 to tunl0"}));
}

TEST(RealServerPlan, TunnelLeavesALooseOrOffFilterAlone) {
  auto h = fresh_v4();
  h.sysctls["net.ipv4.conf.all.rp_filter"] = "0";
  h.sysctls["net.ipv4.conf.tunl0.rp_filter"] = "0";
  h.device_up = false;
  auto plan = described(plan_setup(tun("192.0.2.10"), h));
  EXPECT_EQ(plan.front(), "bring tunl0 up");
  for (const auto& line : plan) EXPECT_EQ(line.find("rp_filter"), std::string::npos) << line;
}

TEST(RealServerPlan, IPv6NeedsOnlyTheAddress) {
  EXPECT_TRUE(sysctls_of_interest(dr("2001:db8::10")).empty());
  EXPECT_EQ(described(plan_setup(dr("2001:db8::10"), host_state{})),
            (std::vector<std::string>{"add 2001:db8::10/128 to lo"}));
  host_state h;
  h.device_present = false;
  EXPECT_EQ(described(plan_setup(tun("2001:db8::10"), h)),
            (std::vector<std::string>{"load kernel module ip6_tunnel", "bring ip6tnl0 up",
                                      "add 2001:db8::10/128 to ip6tnl0"}));
}

TEST(RealServerPlan, TeardownRemovesOnlyTheVip) {
  host_state h = fresh_v4();
  h.addresses_on_device = {*parse_prefix("127.0.0.1/8"), *parse_prefix("192.0.2.10/32"),
                           *parse_prefix("192.0.2.11/32")};
  EXPECT_EQ(described(plan_teardown(dr("192.0.2.10"), h)), (std::vector<std::string>{"delete 192.0.2.10/32 from lo"}));
  EXPECT_TRUE(plan_teardown(dr("192.0.2.99"), h).empty());
}

}  // namespace
}  // namespace lbd::ctl::realserver

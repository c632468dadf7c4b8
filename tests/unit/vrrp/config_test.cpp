// SPDX-License-Identifier: GPL-2.0-or-later
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fsm_helpers.hpp"
#include "vrrp/instance_config.hpp"

namespace lbd::vrrp {
namespace {

std::vector<std::string> errors_of(const instance_config& c) {
  auto r = validate(c);
  return r ? std::vector<std::string>{} : r.error();
}

TEST(VrrpConfig, DefaultsOfTheTestConfigAreValid) {
  EXPECT_TRUE(validate(test::web_config(version::v3)));
  EXPECT_TRUE(validate(test::web_config(version::v2)));
}

TEST(VrrpConfig, RejectsWhatTheCodecCannotEncode) {
  auto v2 = test::web_config(version::v2);
  v2.advert_interval = centiseconds(150);
  EXPECT_EQ(errors_of(v2).size(), 1U);
  auto v3 = test::web_config(version::v3);
  v3.advert_interval = centiseconds(4096);
  EXPECT_EQ(errors_of(v3).size(), 1U);
  auto v2v6 = test::web_config(version::v2);
  v2v6.primary_address = boost::asio::ip::make_address("fe80::1");
  // IPv6 with v2, and the IPv4 VIP now of the wrong family.
  EXPECT_EQ(errors_of(v2v6).size(), 2U);
}

TEST(VrrpConfig, ReportsEveryProblem) {
  instance_config c;
  c.name = "x";
  c.priority = 0;
  c.advert_interval = centiseconds(0);
  c.auth = v2_auth::simple_password("pw");
  auto e = errors_of(c);
  // interface, vrid, priority, interval, primary address, no VIPs, auth with v3
  EXPECT_EQ(e.size(), 7U);
  EXPECT_EQ(e[0], "vrrp instance 'x': interface is empty");
}

TEST(VrrpConfig, UnicastPeersMustBeOtherAddressesOfTheFamily) {
  auto c = test::web_config();
  c.unicast_peers = {c.primary_address, boost::asio::ip::make_address("fe80::1")};
  EXPECT_EQ(errors_of(c).size(), 2U);
}

TEST(VrrpConfig, LabelsFollowTheirVipAndAreIpv4Only) {
  auto c = test::web_config();
  const prefix second{boost::asio::ip::make_address("192.0.2.11"), 24};
  c.virtual_ips.push_back(second);
  c.vip_labels = {"", "eth0:web"};
  EXPECT_TRUE(validate(c));
  EXPECT_EQ(label_of(c, c.virtual_ips[0]), "");
  EXPECT_EQ(label_of(c, second), "eth0:web");
  EXPECT_EQ(label_of(c, prefix{boost::asio::ip::make_address("192.0.2.99"), 24}), "");
  c.vip_labels = {"a", "b", "c"};
  EXPECT_FALSE(validate(c));

  auto v6 = test::web_config();
  v6.primary_address = boost::asio::ip::make_address("fe80::2");
  v6.virtual_ips = {prefix{boost::asio::ip::make_address("2001:db8::10"), 64}};
  v6.vip_labels = {"eth0:web"};
  EXPECT_THAT(errors_of(v6), ::testing::Contains(::testing::HasSubstr("IPv6")));
}

}  // namespace
}  // namespace lbd::vrrp

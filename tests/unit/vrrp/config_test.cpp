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

}  // namespace
}  // namespace lbd::vrrp

// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/address.hpp"

#include <gtest/gtest.h>

namespace lbd {
namespace {

TEST(Address, ParsesEndpoints) {
  auto v4 = parse_endpoint("10.0.1.11:8080");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->address.to_string(), "10.0.1.11");
  EXPECT_EQ(v4->port, 8080);
  auto v6 = parse_endpoint("[2001:db8::1]:80");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->address.is_v6());
  EXPECT_EQ(v6->port, 80);
  EXPECT_EQ(to_string(*v6), "[2001:db8::1]:80");
  EXPECT_EQ(to_string(*v4), "10.0.1.11:8080");
  EXPECT_EQ(to_string(*parse_endpoint("0.0.0.0:0")), "0.0.0.0:0");
  EXPECT_EQ(to_string(*parse_endpoint("255.255.255.255:65535")), "255.255.255.255:65535");
}

TEST(Address, PortRequiredUnlessOptional) {
  EXPECT_FALSE(parse_endpoint("10.0.1.11"));
  auto bare = parse_endpoint("10.0.1.11", false);
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->port, 0);
  auto bare6 = parse_endpoint("2001:db8::1", false);
  ASSERT_TRUE(bare6);
  EXPECT_TRUE(bare6->address.is_v6());
}

TEST(Address, RejectsMalformed) {
  for (const char* bad : {"10.0.1.300:80", "10.0.1.1:", "10.0.1.1:70000", "10.0.1.1:http", "[2001:db8::1", "[::1]x",
                          "host.example:80", ""}) {
    EXPECT_FALSE(parse_endpoint(bad)) << bad;
  }
}

TEST(Address, Prefixes) {
  auto p = parse_prefix("192.0.2.10/24");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->length, 24U);
  EXPECT_EQ(to_string(*p), "192.0.2.10/24");
  EXPECT_EQ(parse_prefix("192.0.2.10")->length, 32U);
  EXPECT_EQ(parse_prefix("2001:db8::10")->length, 128U);
  EXPECT_FALSE(parse_prefix("192.0.2.10/33"));
  EXPECT_FALSE(parse_prefix("192.0.2.10/"));
  EXPECT_TRUE(contains(*parse_prefix("192.0.2.0/24"), *parse_address("192.0.2.77")));
  EXPECT_FALSE(contains(*parse_prefix("192.0.2.0/24"), *parse_address("192.0.3.1")));
  EXPECT_TRUE(contains(*parse_prefix("192.0.2.10/28"), *parse_address("192.0.2.1")));
  EXPECT_FALSE(contains(*parse_prefix("192.0.2.10/24"), *parse_address("2001:db8::1")));
  EXPECT_TRUE(contains(*parse_prefix("2001:db8::/32"), *parse_address("2001:db8:ffff::1")));
}

}  // namespace
}  // namespace lbd

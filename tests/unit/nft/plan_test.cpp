// SPDX-License-Identifier: GPL-2.0-or-later
#include "nft/plan.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tables.hpp"

namespace lbd::nft {
namespace {

using testing::dual_table;
using ::testing::ElementsAre;
using testing::holding;
using testing::v4_table;

TEST(NftPlan, NothingWantedAndNoTableIsNoBatch) {
  const batch b = plan("lbd", kernel_table{}, nat_table{});
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.kind, batch_kind::none);
}

TEST(NftPlan, EqualTablesAreNoBatch) {
  const batch b = plan("lbd", holding(dual_table()), dual_table());
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.kind, batch_kind::none);
}

TEST(NftPlan, MissingTableIsCreatedWithSetsChainAndRules) {
  nat_table want = v4_table();
  want.v4->of(protocol::udp).clear();
  const batch b = plan("lbd", kernel_table{}, want);
  EXPECT_EQ(b.kind, batch_kind::create);
  EXPECT_EQ(b.after, want);
  EXPECT_THAT(
      b.commands,
      ElementsAre(
          "add table inet lbd", "add set inet lbd fullnat4_tcp { type ipv4_addr . inet_service; }",
          "add element inet lbd fullnat4_tcp { 192.0.2.10 . 80, 192.0.2.10 . 443 }",
          "add set inet lbd fullnat4_udp { type ipv4_addr . inet_service; }",
          "add set inet lbd fullnat4_sctp { type ipv4_addr . inet_service; }",
          "add chain inet lbd postrouting { type nat hook postrouting priority srcnat; policy accept; }",
          "add rule inet lbd postrouting meta l4proto tcp ct original ip daddr . ct original proto-dst @fullnat4_tcp "
          "snat ip to 10.0.0.1-10.0.0.4 fully-random",
          "add rule inet lbd postrouting meta l4proto udp ct original ip daddr . ct original proto-dst @fullnat4_udp "
          "snat ip to 10.0.0.1-10.0.0.4 fully-random",
          "add rule inet lbd postrouting meta l4proto sctp ct original ip daddr . ct original proto-dst "
          "@fullnat4_sctp snat ip to 10.0.0.1-10.0.0.4 fully-random"));
}

TEST(NftPlan, SingleAddressPoolAndIpv6) {
  nat_table want;
  want.v6 = family_nat{};
  want.v6->pool = {"2001:db8::1", "2001:db8::1"};
  const batch b = plan("fn", kernel_table{}, want);
  EXPECT_THAT(b.commands, ::testing::Contains("add rule inet fn postrouting meta l4proto tcp ct original ip6 daddr . "
                                              "ct original proto-dst @fullnat6_tcp snat ip6 to 2001:db8::1 "
                                              "fully-random"));
  EXPECT_THAT(b.commands, ::testing::Contains("add set inet fn fullnat6_udp { type ipv6_addr . inet_service; }"));
}

TEST(NftPlan, OnlyElementsChangedIsAnIncrementalBatchDeletesFirst) {
  nat_table want = v4_table();
  want.v4->of(protocol::tcp).erase({"192.0.2.10", 443});
  want.v4->of(protocol::tcp).insert({"192.0.2.11", 80});
  want.v4->of(protocol::sctp).insert({"192.0.2.12", 3868});
  const batch b = plan("lbd", holding(v4_table()), want);
  EXPECT_EQ(b.kind, batch_kind::elements);
  EXPECT_THAT(b.commands, ElementsAre("delete element inet lbd fullnat4_tcp { 192.0.2.10 . 443 }",
                                      "add element inet lbd fullnat4_tcp { 192.0.2.11 . 80 }",
                                      "add element inet lbd fullnat4_sctp { 192.0.2.12 . 3868 }"));
}

TEST(NftPlan, ChangedPoolReplacesTheTableInOneBatch) {
  nat_table want = v4_table();
  want.v4->pool = {"10.0.0.1", "10.0.0.8"};
  const batch b = plan("lbd", holding(v4_table()), want);
  EXPECT_EQ(b.kind, batch_kind::replace);
  ASSERT_GE(b.commands.size(), 2U);
  EXPECT_EQ(b.commands[0], "delete table inet lbd");
  EXPECT_EQ(b.commands[1], "add table inet lbd");
  EXPECT_EQ(std::vector<std::string>(b.commands.begin() + 1, b.commands.end()), create_commands("lbd", want));
}

TEST(NftPlan, AddedFamilyReplacesTheTable) {
  EXPECT_EQ(plan("lbd", holding(v4_table()), dual_table()).kind, batch_kind::replace);
  EXPECT_EQ(plan("lbd", holding(dual_table()), v4_table()).kind, batch_kind::replace);
}

TEST(NftPlan, ATableNotInLbdsShapeIsReplacedEvenWithEqualContent) {
  kernel_table k = holding(v4_table());
  k.exact = false;
  EXPECT_EQ(plan("lbd", k, v4_table()).kind, batch_kind::replace);
}

TEST(NftPlan, NothingWantedDeletesTheTable) {
  kernel_table k = holding(v4_table());
  k.exact = false;
  const batch b = plan("lbd", k, nat_table{});
  EXPECT_EQ(b.kind, batch_kind::remove);
  EXPECT_THAT(b.commands, ElementsAre("delete table inet lbd"));
}

TEST(NftPlan, EveryCommandNamesOnlyLbdsTable) {
  for (const batch& b : {plan("mine", kernel_table{}, dual_table()), plan("mine", holding(v4_table()), dual_table()),
                         plan("mine", holding(v4_table()), nat_table{})}) {
    for (const auto& c : b.commands) EXPECT_THAT(c, ::testing::HasSubstr(" inet mine")) << c;
  }
}

TEST(NftPlan, BatchTextIsOneCommandPerLine) {
  const batch b = plan("lbd", holding(v4_table()), nat_table{});
  EXPECT_EQ(b.text(), "delete table inet lbd\n");
}

TEST(NftModel, PoolValidation) {
  EXPECT_TRUE(validate(ip_family::ipv4, {"10.0.0.1", "10.0.0.4"}));
  EXPECT_TRUE(validate(ip_family::ipv4, {"10.0.0.1", "10.0.0.1"}));
  EXPECT_FALSE(validate(ip_family::ipv4, {"10.0.0.4", "10.0.0.1"}));
  EXPECT_FALSE(validate(ip_family::ipv4, {"2001:db8::1", "2001:db8::2"}));
  EXPECT_TRUE(validate(ip_family::ipv6, {"2001:db8::1", "2001:db8::2"}));
  EXPECT_FALSE(validate(ip_family::ipv6, {"2001:db8::2", "2001:db8::1"}));
  EXPECT_EQ(canonical_address(ip_family::ipv6, "2001:DB8:0::1").value(), "2001:db8::1");
  EXPECT_FALSE(canonical_address(ip_family::ipv4, "300.1.1.1"));
}

}  // namespace
}  // namespace lbd::nft

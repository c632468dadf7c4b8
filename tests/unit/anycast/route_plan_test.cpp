// SPDX-License-Identifier: GPL-2.0-or-later
#include "anycast/route_plan.hpp"

#include <gtest/gtest.h>

namespace lbd::anycast {
namespace {

prefix p(const char* text) { return *parse_prefix(text); }

TEST(RoutePlan, AddsWhatIsMissingAndRemovesWhatIsNoLongerWanted) {
  auto plan = plan_routes({p("192.0.2.10"), p("192.0.2.11")}, {p("192.0.2.11"), p("2001:db8::10"), p("192.0.2.12")});
  ASSERT_EQ(plan.add.size(), 2U);
  EXPECT_EQ(to_string(plan.add[0]), "192.0.2.12/32");
  EXPECT_EQ(to_string(plan.add[1]), "2001:db8::10/128");
  ASSERT_EQ(plan.remove.size(), 1U);
  EXPECT_EQ(to_string(plan.remove[0]), "192.0.2.10/32");
}

TEST(RoutePlan, NothingWhenTheKernelHoldsWhatIsWanted) {
  EXPECT_TRUE(plan_routes({p("192.0.2.10"), p("2001:db8::1")}, {p("2001:db8::1"), p("192.0.2.10")}).empty());
  EXPECT_TRUE(plan_routes({}, {}).empty());
}

TEST(RoutePlan, DuplicatesAreOneRoute) {
  auto plan = plan_routes({}, {p("192.0.2.10"), p("192.0.2.10")});
  EXPECT_EQ(plan.add.size(), 1U);
}

TEST(RoutePlan, TheLengthIsPartOfTheRoute) {
  auto plan = plan_routes({p("192.0.2.0/24")}, {p("192.0.2.0/25")});
  ASSERT_EQ(plan.add.size(), 1U);
  ASSERT_EQ(plan.remove.size(), 1U);
  EXPECT_EQ(to_string(plan.remove[0]), "192.0.2.0/24");
}

TEST(RoutePlan, EmptyDesiredWithdrawsEverything) {
  auto plan = plan_routes({p("192.0.2.10"), p("2001:db8::10")}, {});
  EXPECT_TRUE(plan.add.empty());
  EXPECT_EQ(plan.remove.size(), 2U);
}

TEST(RoutePlan, CanonicalPrefixesHaveNoHostBits) {
  EXPECT_TRUE(is_canonical(p("192.0.2.10")));
  EXPECT_TRUE(is_canonical(p("192.0.2.0/24")));
  EXPECT_FALSE(is_canonical(p("192.0.2.10/24")));
  EXPECT_TRUE(is_canonical(p("0.0.0.0/0")));
  EXPECT_TRUE(is_canonical(p("2001:db8::/32")));
  EXPECT_FALSE(is_canonical(p("2001:db8::1/64")));
  EXPECT_TRUE(is_canonical(p("2001:db8::1")));
}

}  // namespace
}  // namespace lbd::anycast

// SPDX-License-Identifier: GPL-2.0-or-later
#include "anycast/announcer.hpp"

#include <gtest/gtest.h>

namespace lbd::anycast {
namespace {

ip_address ip(const char* text) { return *parse_address(text); }

group_spec web() { return {"web", {ip("192.0.2.10"), ip("2001:db8::10")}, {50, 75}}; }
group_spec mail() { return {"mail", {ip("192.0.2.25")}, {}}; }

TEST(Announcer, AnnouncesEachGroupByItsOwnWeightsAndRoutesOnlyTheAnnounced) {
  announcer a;
  a.configure({web(), mail()});
  EXPECT_TRUE(a.routes().empty());
  EXPECT_EQ(a.groups()[0].reason, "waiting for the first IPVS pass");
  auto changes = a.update({{"web", {80, 100}}, {"mail", {0, 10}}});
  ASSERT_EQ(changes.size(), 1U);
  EXPECT_EQ(changes[0].group, "web");
  EXPECT_TRUE(changes[0].announce);
  const std::vector<prefix> want{{ip("192.0.2.10"), 32}, {ip("2001:db8::10"), 128}};
  EXPECT_EQ(a.routes(), want);
  EXPECT_EQ(a.groups()[1].reason, "no live weight yet");
  // A group missing from the weights has none: its services are gone from the pass.
  changes = a.update({{"mail", {10, 10}}});
  ASSERT_EQ(changes.size(), 2U);
  EXPECT_EQ(changes[0].group, "web");
  EXPECT_FALSE(changes[0].announce);
  EXPECT_EQ(changes[0].reason, "no live weight (0 of 0)");
  EXPECT_TRUE(changes[1].announce);
  const std::vector<prefix> mail_route{{ip("192.0.2.25"), 32}};
  EXPECT_EQ(a.routes(), mail_route);
}

TEST(Announcer, AReloadKeepsTheDecisionOfAKeptGroupAndStartsANewOneWithdrawn) {
  announcer a;
  a.configure({web()});
  (void)a.update({{"web", {100, 100}}});
  auto more = web();
  more.virtual_ips.push_back(ip("192.0.2.11"));
  more.marks = {90, 95};  // the live 60% would not announce it now, but the decision stands
  a.configure({more, mail()});
  EXPECT_EQ(a.routes().size(), 3U);  // the new VIP goes out at once with the others
  auto changes = a.update({{"web", {91, 100}}, {"mail", {0, 0}}});
  EXPECT_TRUE(changes.empty());
  changes = a.update({{"web", {89, 100}}});
  ASSERT_EQ(changes.size(), 1U);
  EXPECT_EQ(changes[0].reason, "live weight 89 of 100 (89%) fell below the low watermark 90%");
}

TEST(Announcer, StopWithdrawsEverythingForGood) {
  announcer a;
  a.configure({web(), mail()});
  (void)a.update({{"web", {100, 100}}});
  auto changes = a.stop();
  ASSERT_EQ(changes.size(), 1U);
  EXPECT_EQ(changes[0].reason, "lbd is stopping");
  EXPECT_TRUE(a.routes().empty());
  EXPECT_TRUE(a.update({{"web", {100, 100}}, {"mail", {1, 1}}}).empty());
  // A reload while stopping (the delay before the services go) announces nothing either.
  a.configure({web(), mail(), {"new", {ip("192.0.2.99")}, {}}});
  EXPECT_TRUE(a.update({{"new", {1, 1}}}).empty());
  EXPECT_TRUE(a.routes().empty());
  EXPECT_EQ(a.groups()[2].reason, "lbd is stopping");
}

}  // namespace
}  // namespace lbd::anycast

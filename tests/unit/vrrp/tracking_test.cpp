// SPDX-License-Identifier: GPL-2.0-or-later
#include "vrrp/tracking.hpp"

#include <gtest/gtest.h>

namespace lbd::vrrp {
namespace {

TEST(VrrpRiseFall, FlipsOnlyAfterConsecutiveResults) {
  rise_fall t(2, 3, true);
  EXPECT_EQ(t.on_result(false), threshold_change::pending);
  EXPECT_EQ(t.on_result(false), threshold_change::pending);
  EXPECT_EQ(t.on_result(true), threshold_change::unchanged);  // streak broken
  EXPECT_EQ(t.on_result(false), threshold_change::pending);
  EXPECT_EQ(t.on_result(false), threshold_change::pending);
  EXPECT_EQ(t.on_result(false), threshold_change::changed);
  EXPECT_FALSE(t.up());
  EXPECT_EQ(t.on_result(false), threshold_change::unchanged);
  EXPECT_EQ(t.on_result(true), threshold_change::pending);
  EXPECT_EQ(t.on_result(true), threshold_change::changed);
  EXPECT_TRUE(t.up());
}

TEST(VrrpRiseFall, ZeroThresholdsMeanOne) {
  rise_fall t(0, 0, false);
  EXPECT_EQ(t.on_result(true), threshold_change::changed);
  EXPECT_EQ(t.on_result(false), threshold_change::changed);
}

TEST(VrrpTracker, OwnInterfaceDownIsAFault) {
  tracker t(100, "eth0", {}, {});
  EXPECT_EQ(t.evaluate(), (tracking_state{false, "", 100}));
  EXPECT_TRUE(t.set_interface("eth0", false));
  EXPECT_EQ(t.evaluate(), (tracking_state{true, "interface eth0 down", 100}));
  EXPECT_FALSE(t.set_interface("eth9", false));
}

TEST(VrrpTracker, InterfaceWeights) {
  tracker t(100, "eth0", {{"eth1", 0}, {"eth2", -30}, {"eth3", 20}}, {});
  EXPECT_EQ(t.evaluate().priority, 120);  // eth3 up adds 20
  t.set_interface("eth2", false);
  EXPECT_EQ(t.evaluate().priority, 90);
  t.set_interface("eth3", false);
  EXPECT_EQ(t.evaluate().priority, 70);
  EXPECT_FALSE(t.evaluate().fault);
  t.set_interface("eth1", false);
  EXPECT_TRUE(t.evaluate().fault);
  EXPECT_EQ(t.evaluate().fault_reason, "tracked interface eth1 down");
}

TEST(VrrpTracker, ScriptsUseRiseFallAndWeight) {
  tracker t(100, "eth0", {}, {{"chk_haproxy", -50, 2, 3, true}, {"chk_db", 0, 1, 2, true}});
  EXPECT_EQ(t.script_result("chk_haproxy", false), threshold_change::pending);
  EXPECT_EQ(t.script_result("chk_haproxy", false), threshold_change::pending);
  EXPECT_EQ(t.evaluate().priority, 100);
  EXPECT_EQ(t.script_result("chk_haproxy", false), threshold_change::changed);
  EXPECT_EQ(t.evaluate().priority, 50);
  t.script_result("chk_db", false);
  EXPECT_FALSE(t.evaluate().fault);
  t.script_result("chk_db", false);
  EXPECT_TRUE(t.evaluate().fault);
  EXPECT_EQ(t.evaluate().fault_reason, "track script chk_db failed");
  EXPECT_EQ(t.script_result("unknown", false), threshold_change::unchanged);
}

TEST(VrrpTracker, InitFailScriptStartsDown) {
  tracker t(100, "eth0", {}, {{"chk", 0, 2, 1, false}});
  EXPECT_TRUE(t.evaluate().fault);
  t.script_result("chk", true);
  EXPECT_TRUE(t.evaluate().fault);
  t.script_result("chk", true);
  EXPECT_FALSE(t.evaluate().fault);
}

TEST(VrrpTracker, PriorityStaysWithinOneTo254UnlessOwnerUntouched) {
  tracker low(10, "eth0", {{"eth1", -50}}, {});
  low.set_interface("eth1", false);
  EXPECT_EQ(low.evaluate().priority, 1);
  tracker high(250, "eth0", {{"eth1", 50}}, {});
  EXPECT_EQ(high.evaluate().priority, 254);
  tracker owner(255, "eth0", {{"eth1", -10}}, {});
  EXPECT_EQ(owner.evaluate().priority, 255);
  owner.set_interface("eth1", false);
  EXPECT_EQ(owner.evaluate().priority, 245);
}

TEST(VrrpTracker, EventsFromStateChanges) {
  const tracking_state ok{false, "", 100};
  const tracking_state lowered{false, "", 80};
  const tracking_state faulty{true, "x", 80};
  EXPECT_TRUE(tracking_events(ok, ok).empty());
  auto a = tracking_events(ok, lowered);
  ASSERT_EQ(a.size(), 1U);
  EXPECT_EQ(std::get<ev::priority_changed>(a[0]).priority, 80);
  auto b = tracking_events(lowered, faulty);
  ASSERT_EQ(b.size(), 1U);
  EXPECT_EQ(std::get<ev::fault_on>(b[0]).reason, "x");
  auto c = tracking_events(faulty, ok);
  ASSERT_EQ(c.size(), 2U);
  EXPECT_TRUE(std::holds_alternative<ev::priority_changed>(c[0]));  // priority before leaving FAULT
  EXPECT_TRUE(std::holds_alternative<ev::fault_off>(c[1]));
}

}  // namespace
}  // namespace lbd::vrrp

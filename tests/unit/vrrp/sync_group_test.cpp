// SPDX-License-Identifier: GPL-2.0-or-later
#include "vrrp/sync_group.hpp"

#include <gtest/gtest.h>

#include "fsm_helpers.hpp"
#include "vrrp/instance.hpp"

namespace lbd::vrrp {
namespace {

TEST(VrrpSyncGroup, AnyMemberFaultFaultsAll) {
  sync_group g("g", {"web", "db"});
  auto a = g.set_member_fault(1, true, "interface eth1 down");
  ASSERT_EQ(a.size(), 2U);
  EXPECT_EQ(a[0].member, 0U);
  EXPECT_EQ(std::get<ev::fault_on>(a[0].event).reason, "sync group g: db: interface eth1 down");
  EXPECT_TRUE(g.in_fault());
  EXPECT_TRUE(g.set_member_fault(0, true, "y").empty());  // already in fault
  EXPECT_TRUE(g.set_member_fault(1, false, "").empty());  // web still faulty
  auto b = g.set_member_fault(0, false, "");
  ASSERT_EQ(b.size(), 2U);
  EXPECT_TRUE(std::holds_alternative<ev::fault_off>(b[1].event));
}

TEST(VrrpSyncGroup, OverallStateIgnoresStartingAndStoppingMembers) {
  sync_group g("g", {"web", "db"});
  EXPECT_EQ(g.overall(), state::init);
  (void)g.on_transition(0, state::init, state::backup);
  EXPECT_EQ(g.overall(), state::backup);  // db not started yet: the group is BACKUP already
  (void)g.on_transition(1, state::init, state::backup);
  (void)g.on_transition(0, state::backup, state::master);
  EXPECT_EQ(g.overall(), state::backup);  // MASTER only once every member is
  (void)g.on_transition(1, state::backup, state::master);
  EXPECT_EQ(g.overall(), state::master);
  (void)g.on_transition(1, state::master, state::fault);
  EXPECT_EQ(g.overall(), state::fault);
  (void)g.on_transition(1, state::fault, state::master);
  (void)g.on_transition(1, state::master, state::init);
  EXPECT_EQ(g.overall(), state::master);  // stopping one by one: still MASTER until the last
  (void)g.on_transition(0, state::master, state::init);
  EXPECT_EQ(g.overall(), state::init);
}

TEST(VrrpSyncGroup, MembersFollowMasterAndBackup) {
  sync_group g("g", {"web", "db", "dns"});
  for (std::size_t i = 0; i < 3; ++i) EXPECT_TRUE(g.on_transition(i, state::init, state::backup).empty());
  auto a = g.on_transition(0, state::backup, state::master);
  ASSERT_EQ(a.size(), 2U);
  EXPECT_EQ(a[0].member, 1U);
  EXPECT_EQ(std::get<ev::force_master>(a[0].event).reason, "sync group g: web became MASTER");
  // db follows; dns is still in BACKUP, so it is pulled again (forcing a master is a no-op).
  auto again = g.on_transition(1, state::backup, state::master);
  ASSERT_EQ(again.size(), 1U);
  EXPECT_EQ(again[0].member, 2U);
  EXPECT_TRUE(g.on_transition(2, state::backup, state::master).empty());
  auto b = g.on_transition(2, state::master, state::backup);
  ASSERT_EQ(b.size(), 2U);
  EXPECT_TRUE(std::holds_alternative<ev::force_backup>(b[0].event));
}

// The group driving real instances: one member's master-down pulls the other along.
TEST(VrrpSyncGroup, DrivesInstances) {
  metrics::registry reg;
  auto c1 = test::web_config();
  auto c2 = test::web_config();
  c2.name = "db";
  c2.vrid = 52;
  instance web(c1, reg);
  instance db(c2, reg);
  std::vector<instance*> members{&web, &db};
  sync_group g("g", {"web", "db"});
  time_point now{std::chrono::seconds(1)};
  auto feed = [&](std::size_t i, const event& e, auto&& self) -> void {
    for (const auto& a : members[i]->on_event(e, now)) {
      if (const auto* s = std::get_if<act::state_changed>(&a)) {
        for (auto& d : g.on_transition(i, s->from, s->to)) self(d.member, d.event, self);
      }
    }
  };
  feed(0, ev::startup{}, feed);
  feed(1, ev::startup{}, feed);
  now += std::chrono::milliseconds(400);
  feed(0, ev::master_down_timer_expired{}, feed);
  EXPECT_EQ(web.current_state(), state::master);
  EXPECT_EQ(db.current_state(), state::master);
  for (auto& d : g.set_member_fault(1, true, "eth1 down")) feed(d.member, d.event, feed);
  EXPECT_EQ(web.current_state(), state::fault);
  EXPECT_EQ(db.current_state(), state::fault);
}

}  // namespace
}  // namespace lbd::vrrp

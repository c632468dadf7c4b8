// SPDX-License-Identifier: GPL-2.0-or-later
#include "ipvs/drain.hpp"

#include <gtest/gtest.h>

#include "helpers.hpp"
#include "ipvs/plan.hpp"

namespace lbd::ipvs {
namespace {

using namespace test;
using namespace std::chrono_literals;
using clock = drain_tracker::clock;

const service_key web = tcp("192.0.2.10:80");
const dest_key rs1 = dk("10.0.1.11:8080");
const dest_key rs2 = dk("10.0.1.12:8080");

struct drain_fixture : ::testing::Test {
  drain_tracker tracker{30s};
  clock::time_point t0{};
  table kernel{{web, svc(sched("wlc"), {{rs1, w(3)}, {rs2, w(1)}})}};
  table without_rs1{{web, svc(sched("wlc"), {{rs2, w(1)}})}};
  ownership drained{web};

  void connections(std::uint32_t active, std::uint32_t inactive) {
    kernel[web].dests[rs1].counters.active = active;
    kernel[web].dests[rs1].counters.inactive = inactive;
  }
};

TEST_F(drain_fixture, failed_server_with_connections_goes_to_weight_zero) {
  connections(5, 2);
  auto out = tracker.update(kernel, without_rs1, drained, t0);
  ASSERT_EQ(out.events, (std::vector<drain_event>{{drain_event_kind::started, web, rs1}}));
  ASSERT_EQ(out.desired[web].dests.count(rs1), 1U);
  EXPECT_EQ(out.desired[web].dests[rs1].attrs.weight, 0U);
  EXPECT_TRUE(tracker.draining(web, rs1));
  const auto ops = plan(kernel, out.desired, {web});
  ASSERT_EQ(ops.size(), 1U);
  EXPECT_EQ(ops[0].kind, op_kind::edit_dest);
  EXPECT_EQ(ops[0].dst.weight, 0U);
}

TEST_F(drain_fixture, settled_says_when_update_would_change_nothing) {
  EXPECT_TRUE(tracker.settled(kernel, kernel, drained));        // nothing departs
  EXPECT_TRUE(tracker.settled(kernel, without_rs1, {}));        // departs, but the service does not drain
  EXPECT_FALSE(tracker.settled(kernel, without_rs1, drained));  // a drain starts
  connections(5, 0);
  tracker.update(kernel, without_rs1, drained, t0);
  EXPECT_FALSE(tracker.settled(kernel, kernel, drained));  // one tracked: it may recover or end
  const ownership elsewhere{tcp("192.0.2.11:80")};
  EXPECT_TRUE(tracker.settled({}, {}, {}, &elsewhere));  // a pass over another service
  EXPECT_FALSE(tracker.settled({}, {}, {}, &drained));
}

TEST_F(drain_fixture, removed_once_connections_reach_zero) {
  connections(5, 0);
  tracker.update(kernel, without_rs1, drained, t0);
  kernel[web].dests[rs1].attrs.weight = 0;
  auto still = tracker.update(kernel, without_rs1, drained, t0 + 10s);
  EXPECT_TRUE(still.events.empty());
  EXPECT_EQ(still.desired[web].dests.count(rs1), 1U);

  connections(0, 0);
  auto out = tracker.update(kernel, without_rs1, drained, t0 + 11s);
  EXPECT_EQ(out.events, (std::vector<drain_event>{{drain_event_kind::finished_idle, web, rs1}}));
  EXPECT_EQ(out.desired[web].dests.count(rs1), 0U);
  const auto ops = plan(kernel, out.desired, {web});
  ASSERT_EQ(ops.size(), 1U);
  EXPECT_EQ(ops[0].kind, op_kind::del_dest);
  EXPECT_EQ(ops[0].dest, rs1);
}

TEST_F(drain_fixture, removed_when_the_drain_timeout_expires) {
  connections(5, 5);
  tracker.update(kernel, without_rs1, drained, t0);
  auto before = tracker.update(kernel, without_rs1, drained, t0 + 29s);
  EXPECT_EQ(before.desired[web].dests.count(rs1), 1U);
  auto out = tracker.update(kernel, without_rs1, drained, t0 + 30s);
  EXPECT_EQ(out.events, (std::vector<drain_event>{{drain_event_kind::finished_timeout, web, rs1}}));
  EXPECT_EQ(out.desired[web].dests.count(rs1), 0U);
  // Not restarted while the delete is still pending.
  auto later = tracker.update(kernel, without_rs1, drained, t0 + 31s);
  EXPECT_TRUE(later.events.empty());
  EXPECT_EQ(later.desired[web].dests.count(rs1), 0U);
  // Gone from the kernel: forgotten.
  kernel[web].dests.erase(rs1);
  tracker.update(kernel, without_rs1, drained, t0 + 32s);
  EXPECT_EQ(tracker.draining_count(), 0U);
}

TEST_F(drain_fixture, idle_server_is_removed_at_once) {
  connections(0, 0);
  auto out = tracker.update(kernel, without_rs1, drained, t0);
  EXPECT_EQ(out.events, (std::vector<drain_event>{{drain_event_kind::started, web, rs1},
                                                  {drain_event_kind::finished_idle, web, rs1}}));
  EXPECT_EQ(out.desired[web].dests.count(rs1), 0U);
}

TEST_F(drain_fixture, recovery_before_the_end_restores_the_weight) {
  connections(3, 0);
  tracker.update(kernel, without_rs1, drained, t0);
  kernel[web].dests[rs1].attrs.weight = 0;
  const table full{{web, svc(sched("wlc"), {{rs1, w(3)}, {rs2, w(1)}})}};
  auto out = tracker.update(kernel, full, drained, t0 + 5s);
  EXPECT_EQ(out.events, (std::vector<drain_event>{{drain_event_kind::recovered, web, rs1}}));
  EXPECT_FALSE(tracker.draining(web, rs1));
  const auto ops = plan(kernel, out.desired, {web});
  ASSERT_EQ(ops.size(), 1U);
  EXPECT_EQ(ops[0].kind, op_kind::edit_dest);
  EXPECT_EQ(ops[0].dst.weight, 3U);
  // A later failure starts a fresh drain with a fresh timeout.
  auto again = tracker.update(kernel, without_rs1, drained, t0 + 100s);
  EXPECT_EQ(again.events, (std::vector<drain_event>{{drain_event_kind::started, web, rs1}}));
  auto mid = tracker.update(kernel, without_rs1, drained, t0 + 120s);
  EXPECT_EQ(mid.desired[web].dests.count(rs1), 1U);
}

TEST_F(drain_fixture, services_without_the_drain_policy_lose_the_server_at_once) {
  connections(9, 9);
  auto out = tracker.update(kernel, without_rs1, {}, t0);
  EXPECT_TRUE(out.events.empty());
  EXPECT_EQ(out.desired[web].dests.count(rs1), 0U);
}

TEST_F(drain_fixture, removed_service_is_not_drained) {
  connections(9, 9);
  auto out = tracker.update(kernel, {}, drained, t0);
  EXPECT_TRUE(out.events.empty());
  EXPECT_TRUE(out.desired.empty());
}

}  // namespace
}  // namespace lbd::ipvs

// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/policy.hpp"

#include <gtest/gtest.h>

namespace lbd::healthcheck {
namespace {

endpoint ep(const char* s) { return parse_endpoint(s).value(); }

service_config three_servers() {
  service_config c;
  c.name = "web";
  c.servers = {{ep("10.0.1.11:8080"), 3}, {ep("10.0.1.12:8080"), 2}, {ep("10.0.1.13:8080"), 1}};
  c.notify_up = {"/usr/local/bin/notify"};
  c.notify_down = {"/usr/local/bin/notify"};
  c.quorum_up = {"/usr/local/bin/quorum", "up"};
  c.quorum_down = {"/usr/local/bin/quorum", "down"};
  c.sorry_server = ep("10.0.1.250:80");
  return c;
}

TEST(Policy, DrainKeepsFailedServersAtWeightZero) {
  service_policy p(three_servers(), health::up);
  auto ev = p.on_server(ep("10.0.1.12:8080"), health::down, std::nullopt, "HTTP 503 from 10.0.1.12:8080");
  ASSERT_EQ(ev.size(), 1U);
  EXPECT_EQ(ev[0].what, policy_event::kind::server_down);
  EXPECT_EQ(ev[0].hook_argv, (std::vector<std::string>{"/usr/local/bin/notify", "web", "10.0.1.12:8080", "down",
                                                       "HTTP 503 from 10.0.1.12:8080"}));
  const auto d = p.desired();
  ASSERT_EQ(d.servers.size(), 3U);
  EXPECT_EQ(d.servers[1], (desired_server{ep("10.0.1.12:8080"), 0, true}));
  EXPECT_EQ(d.servers[0], (desired_server{ep("10.0.1.11:8080"), 3, false}));
  EXPECT_EQ(d.live_weight, 4U);
}

TEST(Policy, RemoveDropsFailedServers) {
  auto c = three_servers();
  c.on_failure = failure_action::remove;
  service_policy p(c, health::up);
  p.on_server(ep("10.0.1.11:8080"), health::down, std::nullopt, "x");
  const auto d = p.desired();
  ASSERT_EQ(d.servers.size(), 2U);
  EXPECT_EQ(d.servers[0].address, ep("10.0.1.12:8080"));
}

TEST(Policy, InhibitKeepsFailedServersAtWeightZeroUntilTheyAreBack) {
  auto c = three_servers();
  c.on_failure = failure_action::inhibit;
  service_policy p(c, health::up);
  p.on_server(ep("10.0.1.11:8080"), health::down, std::nullopt, "x");
  auto d = p.desired();
  ASSERT_EQ(d.servers.size(), 3U);
  EXPECT_EQ(d.servers[0], (desired_server{ep("10.0.1.11:8080"), 0, false, true}));
  EXPECT_EQ(d.live_weight, 3U);
  p.on_server(ep("10.0.1.11:8080"), health::up, std::nullopt, "x");
  d = p.desired();
  EXPECT_EQ(d.servers[0], (desired_server{ep("10.0.1.11:8080"), 3, false, false}));
}

TEST(Policy, UnknownServerAndRepeatedStateProduceNothing) {
  service_policy p(three_servers(), health::up);
  EXPECT_TRUE(p.on_server(ep("10.9.9.9:80"), health::down, std::nullopt, "x").empty());
  EXPECT_TRUE(p.on_server(ep("10.0.1.11:8080"), health::up, std::nullopt, "x").empty());
}

TEST(Policy, QuorumWithHysteresis) {
  auto c = three_servers();  // weights 3, 2, 1
  c.quorum = 4;
  c.hysteresis = 1;  // lost below 3, regained at 5
  service_policy p(c, health::up);
  EXPECT_TRUE(p.desired().quorum);
  // live 6 -> 5 -> 3: still >= 3, no event
  p.on_server(ep("10.0.1.13:8080"), health::down, std::nullopt, "x");
  auto ev = p.on_server(ep("10.0.1.12:8080"), health::down, std::nullopt, "x");
  ASSERT_EQ(ev.size(), 1U);
  EXPECT_TRUE(p.desired().quorum);
  EXPECT_FALSE(p.desired().sorry_active);
  // live 0: lost
  ev = p.on_server(ep("10.0.1.11:8080"), health::down, std::nullopt, "x");
  ASSERT_EQ(ev.size(), 2U);
  EXPECT_EQ(ev[1].what, policy_event::kind::quorum_down);
  EXPECT_EQ(ev[1].hook_argv, (std::vector<std::string>{"/usr/local/bin/quorum", "down", "web", "0", "4"}));
  EXPECT_TRUE(p.desired().sorry_active);
  // live 3, then 4: above the quorum but below quorum + hysteresis: still lost
  ev = p.on_server(ep("10.0.1.11:8080"), health::up, std::nullopt, "x");
  EXPECT_EQ(ev.size(), 1U);
  ev = p.on_server(ep("10.0.1.13:8080"), health::up, std::nullopt, "x");
  EXPECT_EQ(ev.size(), 1U);
  EXPECT_FALSE(p.desired().quorum);
  // live 6 >= 5: regained
  ev = p.on_server(ep("10.0.1.12:8080"), health::up, std::nullopt, "x");
  ASSERT_EQ(ev.size(), 2U);
  EXPECT_EQ(ev[1].what, policy_event::kind::quorum_up);
  EXPECT_FALSE(p.desired().sorry_active);
}

TEST(Policy, FlappingAroundTheQuorumDoesNotFlapTheQuorum) {
  auto c = three_servers();
  c.quorum = 3;
  c.hysteresis = 1;  // lost below 2, regained at 4
  service_policy p(c, health::up);
  int quorum_events = 0;
  for (int i = 0; i < 10; ++i) {
    // live weight swings 6 -> 3 -> 6 ... (server with weight 3 flaps)
    for (const auto& e : p.on_server(ep("10.0.1.11:8080"), i % 2 == 0 ? health::down : health::up, std::nullopt, "x")) {
      if (e.what == policy_event::kind::quorum_up || e.what == policy_event::kind::quorum_down) ++quorum_events;
    }
  }
  EXPECT_EQ(quorum_events, 0);
}

TEST(Policy, InitiallyDownServersStartWithoutQuorum) {
  service_policy p(three_servers(), health::down);
  EXPECT_FALSE(p.desired().quorum);
  EXPECT_TRUE(p.desired().sorry_active);
  const auto ev = p.on_server(ep("10.0.1.13:8080"), health::up, std::nullopt, "x");
  ASSERT_EQ(ev.size(), 2U);
  EXPECT_EQ(ev[1].what, policy_event::kind::quorum_up);
}

TEST(Policy, DynamicWeightReplacesNeverAccumulates) {
  service_policy p(three_servers(), health::up);
  auto ev = p.on_server(ep("10.0.1.13:8080"), health::up, 7U, "w.sh exit 9");
  ASSERT_EQ(ev.size(), 1U);  // one event per change, logged and counted by the monitor, no hook
  EXPECT_EQ(ev[0].what, policy_event::kind::weight_changed);
  EXPECT_EQ(ev[0].reason, "weight 1 -> 7: w.sh exit 9");
  EXPECT_TRUE(ev[0].hook_argv.empty());
  EXPECT_TRUE(p.on_server(ep("10.0.1.13:8080"), health::up, 7U, "x").empty());
  EXPECT_EQ(p.desired().servers[2].weight, 7U);
  p.on_server(ep("10.0.1.13:8080"), health::up, 2U, "x");
  EXPECT_EQ(p.desired().servers[2].weight, 2U);
  EXPECT_EQ(p.desired().live_weight, 3U + 2U + 2U);
  // No dynamic weight (a misc_dynamic script exited 0): the configured weight again.
  p.on_server(ep("10.0.1.13:8080"), health::up, std::nullopt, "x");
  EXPECT_EQ(p.desired().servers[2].weight, 1U);
}

TEST(Policy, NoHooksConfiguredMeansEmptyArgv) {
  auto c = three_servers();
  c.notify_down.clear();
  service_policy p(c, health::up);
  const auto ev = p.on_server(ep("10.0.1.11:8080"), health::down, std::nullopt, "x");
  ASSERT_EQ(ev.size(), 1U);
  EXPECT_TRUE(ev[0].hook_argv.empty());
}

}  // namespace
}  // namespace lbd::healthcheck

// SPDX-License-Identifier: GPL-2.0-or-later
// The agent check in the service runtime: each reply kind as the kernel (the in-memory IPVS) gets
// it, the health checks and the operator's overrides above the agent, a reload that keeps what the
// agent said, the unreachable modes, logs' counters and lbctl's words. Fake agents, fake time.
#include "agent_fixture.hpp"

namespace lbd::daemon::test {
namespace {

const char* const rs11 = "10.0.1.11:80";

TEST_F(agent_runtime_test, EachReplyKindReachesTheKernel) {
  apply(load(agent_service()));
  settle(2);
  EXPECT_EQ(agents.last_send, "state\n");
  ASSERT_TRUE(says("75%", 75));
  ASSERT_TRUE(says("drain", 0));  // kept, at weight 0: its connections go on
  agents.lines[ep("10.0.1.11:8081")] = "maint";
  ASSERT_TRUE(run_until([&] { return !has(rs11); }));  // on_failure = drain: out once idle
  // ready cancels maint; the percentage said before still holds (HAProxy's way).
  ASSERT_TRUE(says("ready", 75));
  ASSERT_TRUE(says("up 100%", 100));
  agents.lines[ep("10.0.1.11:8081")] = "maxconn:30";
  ASSERT_TRUE(run_until([&] { return upper(rs11) == 30; }));
  agents.lines[ep("10.0.1.11:8081")] = "down#disk full";
  ASSERT_TRUE(run_until([&] { return !has(rs11); }));
  ASSERT_TRUE(says("up", 100));
  EXPECT_EQ(upper(rs11), 30U);
  EXPECT_EQ(weight("10.0.1.12:80"), 2U);  // its agent never answers: as its checks say
  EXPECT_EQ(events("weight"), 2);         // 100 -> 75%, maint -> ready at 75%
  EXPECT_EQ(events("drain"), 1);
  EXPECT_EQ(events("maint"), 1);
  EXPECT_EQ(events("down"), 1);
  EXPECT_EQ(events("ready"), 2);  // 75% -> 100%, down -> up
  EXPECT_EQ(events("maxconn"), 1);
}

TEST_F(agent_runtime_test, TheAgentNeverBringsUpAServerItsChecksFail) {
  probes.down.insert(ep(rs11));
  agents.lines[ep("10.0.1.11:8081")] = "up 100%";
  apply(load(agent_service()));
  settle(1);
  ASSERT_TRUE(run_until([&] { return agents.queries[ep("10.0.1.11:8081")] >= 3; }));
  EXPECT_FALSE(has(rs11));
}

TEST_F(agent_runtime_test, OverridesWinOverTheAgent) {
  apply(load(agent_service()));
  settle(2);
  ASSERT_TRUE(says("50%", 50));
  ASSERT_TRUE(rt->set_weight(rs11, std::nullopt, 7).has_value());
  EXPECT_EQ(weight(rs11), 7U);
  ASSERT_TRUE(says("drain", 7));
  ASSERT_TRUE(rt->drain(rs11, std::nullopt).has_value());
  ASSERT_TRUE(run_until([&] { return !has(rs11); }));
  ASSERT_TRUE(rt->enable(rs11, std::nullopt).has_value());
  ASSERT_TRUE(says("ready 50%", 50));
  // A weight override does not bring back a server the agent takes out.
  ASSERT_TRUE(rt->set_weight(rs11, std::nullopt, 7).has_value());
  agents.lines[ep("10.0.1.11:8081")] = "maint";
  ASSERT_TRUE(run_until([&] { return !has(rs11); }));
}

TEST_F(agent_runtime_test, ReloadKeepingTheAgentKeepsWhatItSaid) {
  apply(load(agent_service()));
  settle(2);
  ASSERT_TRUE(says("50% maxconn:30", 50));
  const auto queries = agents.queries[ep("10.0.1.11:8081")];
  // Another server's weight changes; this one's agent is the same: nothing flaps, nothing replays.
  auto text = agent_service();
  text.replace(text.rfind("weight = 2"), 10, "weight = 3");
  agents.lines.erase(ep("10.0.1.11:8081"));  // a new query would now say "unreachable"
  apply(load(text));
  EXPECT_EQ(weight(rs11), 50U);
  EXPECT_EQ(upper(rs11), 30U);
  EXPECT_EQ(agents.queries[ep("10.0.1.11:8081")], queries);
  EXPECT_EQ(events("weight"), 1);
  const nlohmann::json s = rt->services();
  EXPECT_EQ(s[0]["real_servers"][0]["agent"]["said"], "50% (weight 50 of 100), maxconn 30");
  // A changed agent starts afresh: as its checks say until it answers.
  agents.lines[ep("10.0.1.11:9000")] = "25%";
  apply(load(agent_service(R"(agent = { port = 9000, interval = "100ms", timeout = "50ms" })")));
  EXPECT_EQ(weight(rs11), 100U);
  EXPECT_EQ(upper(rs11), 0U);
  ASSERT_TRUE(run_until([&] { return weight(rs11) == 25; }));
}

TEST_F(agent_runtime_test, UnreachableFollowsTheChecksByDefault) {
  apply(load(agent_service()));
  settle(2);
  ASSERT_TRUE(says("drain", 0));
  agents.lines.erase(ep("10.0.1.11:8081"));
  ASSERT_TRUE(run_until([&] { return weight(rs11) == 100; }));
  EXPECT_EQ(events("unreachable"), 1);
  const nlohmann::json s = rt->services();
  EXPECT_EQ(s[0]["real_servers"][0]["agent"]["said"], "unreachable");
  EXPECT_EQ(s[0]["real_servers"][0]["agent"]["reachable"], false);
}

TEST_F(agent_runtime_test, UnreachableKeepsTheLastStateOrTakesTheServerOut) {
  apply(load(agent_service(R"(agent = { port = 8081, interval = "100ms", timeout = "50ms", unreachable = "keep" })")));
  settle(2);
  ASSERT_TRUE(says("40%", 40));
  agents.lines.erase(ep("10.0.1.11:8081"));
  const auto queries = agents.queries[ep("10.0.1.11:8081")];
  ASSERT_TRUE(run_until([&] { return agents.queries[ep("10.0.1.11:8081")] >= queries + 3; }));
  EXPECT_EQ(weight(rs11), 40U);
  EXPECT_EQ(rt->services()[0].real_servers[0].agent->said, "40% (weight 40 of 100), unreachable");

  apply(load(agent_service(R"(agent = { port = 8081, interval = "100ms", timeout = "50ms", unreachable = "down" })")));
  ASSERT_TRUE(run_until([&] { return !has(rs11); }));
  ASSERT_TRUE(says("up", 100));
}

TEST_F(agent_runtime_test, InhibitKeepsTheServerAtWeightZeroWhileTheAgentSaysMaint) {
  apply(load(
      agent_service(R"(agent = { port = 8081, interval = "100ms", timeout = "50ms" })", "on_failure = \"inhibit\"")));
  settle(2);
  ASSERT_TRUE(says("maint", 0));
  ASSERT_TRUE(says("ready", 100));
}

TEST_F(agent_runtime_test, MalformedRepliesAreCountedAndLeaveTheServerAsItsChecksSay) {
  apply(load(agent_service()));
  settle(2);
  ASSERT_TRUE(says("60%", 60));
  agents.lines[ep("10.0.1.11:8081")] = "bananas";
  ASSERT_TRUE(run_until([&] { return weight(rs11) == 100; }));
  EXPECT_GE(m.value("lbd_agent_malformed_replies_total"), 1);
  const auto rows = rt->services()[0].real_servers;
  EXPECT_NE(rows[0].agent->reason.find("malformed"), std::string::npos);
  EXPECT_FALSE(rows[1].agent->reachable);
}

}  // namespace
}  // namespace lbd::daemon::test

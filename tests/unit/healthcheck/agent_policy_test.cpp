// SPDX-License-Identifier: GPL-2.0-or-later
// The agent check's combination rule: health check, agent state and configured weight to the
// state and weight IPVS gets; and how replies change the agent's state.
#include "healthcheck/agent_policy.hpp"

#include <gtest/gtest.h>

namespace lbd::healthcheck {
namespace {

agent_state said(std::string_view line, agent_state before = {}) {
  const auto r = parse_agent_reply(line);
  EXPECT_TRUE(r.reply) << line << ": " << r.reason;
  return apply_agent_reply(std::move(before), r.reply ? &*r.reply : nullptr);
}

TEST(AgentPolicy, NoAgentTheCheckDecides) {
  EXPECT_EQ(combine_agent(true, std::nullopt, 10), (effective_server{true, 10, false, std::nullopt, "check up"}));
  EXPECT_EQ(combine_agent(false, std::nullopt, 10), (effective_server{false, 0, false, std::nullopt, "check down"}));
}

TEST(AgentPolicy, TheAgentCannotBringUpAServerFailingItsChecks) {
  for (const char* line : {"up", "ready", "100%", "up ready 200% maxconn:5"}) {
    const auto e = combine_agent(false, said(line), 10);
    EXPECT_FALSE(e.up) << line;
    EXPECT_EQ(e.weight, 0U) << line;
    EXPECT_EQ(e.why, "check down");
  }
}

TEST(AgentPolicy, DrainKeepsConnectionsAtWeightZero) {
  const auto e = combine_agent(true, said("drain"), 10);
  EXPECT_EQ(e, (effective_server{true, 0, true, std::nullopt, "agent: drain"}));
  // 0% has the same effect.
  EXPECT_EQ(combine_agent(true, said("0%"), 10), (effective_server{true, 0, true, std::nullopt, "agent: 0%"}));
}

TEST(AgentPolicy, MaintDownStoppedFailAreDown) {
  for (const char* line : {"maint", "down", "stopped", "fail", "ready fail", "up maint"}) {
    const auto e = combine_agent(true, said(line), 10);
    EXPECT_FALSE(e.up) << line;
    EXPECT_EQ(e.weight, 0U) << line;
  }
  EXPECT_EQ(combine_agent(true, said("stopped # upgrade"), 10).why, "agent: stopped (upgrade)");
  EXPECT_EQ(combine_agent(true, said("maint"), 10).why, "agent: maint");
}

TEST(AgentPolicy, PercentageScalesTheConfiguredWeight) {
  EXPECT_EQ(combine_agent(true, said("50%"), 10).weight, 5U);
  EXPECT_EQ(combine_agent(true, said("75%"), 10).weight, 8U);  // 7.5 rounds half up
  EXPECT_EQ(combine_agent(true, said("74%"), 10).weight, 7U);  // 7.4 rounds down
  EXPECT_EQ(combine_agent(true, said("1%"), 10).weight, 1U);   // never drained by rounding
  EXPECT_EQ(combine_agent(true, said("200%"), 10).weight, 20U);
  EXPECT_EQ(combine_agent(true, said("100%"), 0).weight, 0U);  // a weight-0 server stays at 0
  EXPECT_EQ(combine_agent(true, said("25600%"), 65535).weight, max_ipvs_weight);
  EXPECT_EQ(scaled_weight(3, 33), 1U);
  EXPECT_EQ(scaled_weight(3, 50), 2U);  // 1.5
  EXPECT_EQ(scaled_weight(1000, 1), 10U);
  EXPECT_EQ(combine_agent(true, said("50%"), 10).why, "agent: 50%");
}

TEST(AgentPolicy, MaxconnBecomesTheUpperThreshold) {
  EXPECT_EQ(combine_agent(true, said("maxconn:30"), 10).upper_threshold, 30U);
  EXPECT_EQ(combine_agent(true, said("maxconn:30 drain"), 10).upper_threshold, 30U);
  EXPECT_EQ(combine_agent(true, said("maxconn:0"), 10).upper_threshold, 0U);  // no limit
  EXPECT_FALSE(combine_agent(true, said("up"), 10).upper_threshold);
}

TEST(AgentPolicy, ARepliesChangesOnlyWhatItSays) {
  agent_state s = said("drain 50% maxconn:7");
  s = said("maxconn:9", s);
  EXPECT_EQ(s.admin, agent_admin::drain);
  EXPECT_EQ(s.weight_percent, 50U);
  EXPECT_EQ(s.maxconn, 9U);
  EXPECT_EQ(combine_agent(true, s, 10).weight, 0U);  // still draining
  s = said("ready", s);                              // cancels drain and maint; the weight stays
  EXPECT_EQ(combine_agent(true, s, 10), (effective_server{true, 5, false, 9U, "agent: 50%"}));
  s = said("down#disk full", s);
  EXPECT_FALSE(combine_agent(true, s, 10).up);
  s = said("75%", s);  // only "up" brings it back
  EXPECT_FALSE(combine_agent(true, s, 10).up);
  EXPECT_EQ(s.description, "");
  s = said("up", s);
  EXPECT_EQ(combine_agent(true, s, 10).weight, 8U);
}

TEST(AgentPolicy, UnreachableAgentByDefaultLeavesTheServerToItsChecks) {
  agent_state s = said("drain 50% maxconn:7");
  s = apply_agent_reply(s, nullptr);
  EXPECT_FALSE(s.reachable);
  EXPECT_EQ(combine_agent(true, s, 10),
            (effective_server{true, 10, false, std::nullopt, "check up, agent unreachable"}));
  EXPECT_FALSE(combine_agent(false, s, 10).up);
  // HAProxy's way: the last state the agent set stays.
  EXPECT_EQ(combine_agent(true, s, 10, agent_unreachable::keep_last),
            (effective_server{true, 0, true, 7U, "agent: drain"}));
  EXPECT_EQ(combine_agent(true, s, 10, agent_unreachable::down),
            (effective_server{false, 0, false, std::nullopt, "agent unreachable"}));
  // Never reached at all.
  EXPECT_EQ(combine_agent(true, agent_state{}, 10).weight, 10U);
  EXPECT_EQ(combine_agent(true, agent_state{}, 10, agent_unreachable::keep_last).weight, 10U);
  // It answers again: its state applies again.
  s = said("ready", s);
  EXPECT_EQ(combine_agent(true, s, 10).weight, 5U);
}

}  // namespace
}  // namespace lbd::healthcheck

// SPDX-License-Identifier: GPL-2.0-or-later
// What an agent's state does to a destination of the desired table, and lbctl's words for it (pure).
#include "daemon/services/agent_view.hpp"

#include <gtest/gtest.h>

#include "config/load.hpp"
#include "daemon/services/desired_table.hpp"

namespace lbd::daemon {
namespace {

namespace hc = healthcheck;

agent_input said(const char* line, hc::agent_unreachable when = hc::agent_unreachable::checks_only) {
  const auto parsed = hc::parse_agent_reply(line);
  agent_input in;
  in.when_unreachable = when;
  in.state = hc::apply_agent_reply(hc::agent_state{}, parsed.reply ? &*parsed.reply : nullptr);
  return in;
}

TEST(agent_view, EachReplyKindGivesTheDestinationItsWeightAndThreshold) {
  struct row {
    const char* line;
    bool up;
    std::uint32_t weight;
    std::uint32_t upper;
  };
  for (const auto& r : {row{"75%", true, 75, 5}, row{"drain", true, 0, 5}, row{"0%", true, 0, 5},
                        row{"maint", false, 0, 5}, row{"down", false, 0, 5}, row{"stopped", false, 0, 5},
                        row{"fail", false, 0, 5}, row{"ready", true, 100, 5}, row{"up", true, 100, 5},
                        row{"maxconn:30", true, 100, 30}, row{"maxconn:0 50%", true, 50, 0}, row{"1%", true, 1, 5}}) {
    const auto d = apply_agent(said(r.line), 100, 5);
    EXPECT_EQ(d.up, r.up) << r.line;
    EXPECT_EQ(d.weight, r.weight) << r.line;
    EXPECT_EQ(d.upper_threshold, r.upper) << r.line;
  }
}

TEST(agent_view, NoReplyYetIsAsTheChecksSay) {
  agent_input pending;
  pending.when_unreachable = hc::agent_unreachable::down;
  const auto d = apply_agent(pending, 100, 0);
  EXPECT_TRUE(d.up);
  EXPECT_EQ(d.weight, 100U);
  EXPECT_EQ(agent_summary(pending, 100), "pending");
}

TEST(agent_view, SummariesAreLbctlsWords) {
  EXPECT_EQ(agent_summary(said("50%"), 100), "50% (weight 50 of 100)");
  EXPECT_EQ(agent_summary(said("drain"), 100), "drain");
  EXPECT_EQ(agent_summary(said("maint # disk full"), 100), "maint (disk full)");
  EXPECT_EQ(agent_summary(said("stopped"), 100), "stopped");
  EXPECT_EQ(agent_summary(said("up maxconn:30"), 100), "up, maxconn 30");
  EXPECT_EQ(agent_summary(said("nonsense"), 100), "unreachable");
}

TEST(agent_view, EventsNameWhatChanged) {
  const hc::effective_server full{true, 100, false, std::nullopt, "check up"};
  const auto event = [&](const char* line) {
    const auto in = said(line);
    return agent_event(in, full, hc::combine_agent(true, in.state, 100, in.when_unreachable), 100);
  };
  EXPECT_EQ(event("maint"), "maint");
  EXPECT_EQ(event("fail"), "fail");
  EXPECT_EQ(event("drain"), "drain");
  EXPECT_EQ(event("30%"), "weight");
  EXPECT_EQ(event("maxconn:9"), "maxconn");
  EXPECT_EQ(event("garbage"), "unreachable");
}

TEST(agent_view, TheDesiredTableTakesTheAgentAfterTheChecksAndBeforeTheOverrides) {
  auto r = config::load_string(R"(
[[virtual_server]]
name = "web"
address = "192.0.2.10:80"
[[virtual_server.real_server]]
address = "10.0.1.11:80"
weight = 10
upper_threshold = 500
[[virtual_server.real_server]]
address = "10.0.1.12:80"
weight = 10
)",
                               "t.conf");
  ASSERT_TRUE(r.ok());
  const auto& cfg = *r.cfg;
  const auto a = parse_endpoint("10.0.1.11:80").value();
  const auto b = parse_endpoint("10.0.1.12:80").value();
  hc::desired_service d;
  d.servers = {{a, 10, false, false}, {b, 10, false, false}};
  d.quorum = true;
  const std::map<std::string, hc::desired_service> health{{"web", d}};
  agent_inputs agents{{server_ref{"web", a}, said("50% maxconn:40")}, {server_ref{"web", b}, said("maint")}};
  overrides ovr;
  auto want = build_desired(cfg, health, ovr, false, &agents);
  const auto& dests = want.services.begin()->second.dests;
  ASSERT_EQ(dests.size(), 1U);  // b: out, as a failed server
  EXPECT_EQ(dests.begin()->second.attrs.weight, 5U);
  EXPECT_EQ(dests.begin()->second.attrs.u_threshold, 40U);
  // The operator's weight wins over the agent's percentage, not over its maint.
  ovr.set(server_ref{"web", a}, override_entry{override_kind::weight, 3});
  ovr.set(server_ref{"web", b}, override_entry{override_kind::weight, 3});
  want = build_desired(cfg, health, ovr, false, &agents);
  const auto& after = want.services.begin()->second.dests;
  ASSERT_EQ(after.size(), 1U);
  EXPECT_EQ(after.begin()->second.attrs.weight, 3U);
}

}  // namespace
}  // namespace lbd::daemon

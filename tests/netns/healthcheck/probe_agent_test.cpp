// SPDX-License-Identifier: GPL-2.0-or-later
// The agent check against real local agents (servers.py on 127.0.0.1): every kind of reply, a
// reply ended by its newline on a connection that stays open, the bytes sent to the agent, and
// what is not a reply (closed port, silence, a line too long, garbage).
#include <gtest/gtest.h>

#include <optional>

#include "healthcheck/agent_policy.hpp"
#include "healthcheck/agent_prober.hpp"
#include "support.hpp"

namespace lbd::healthcheck {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using test::local_server;

struct agent_test : ::testing::Test {
  boost::asio::io_context io;
  agent_prober prober{io.get_executor()};

  agent_result query(const endpoint& target, const agent_params& params = {}, duration timeout = seconds(2)) {
    std::optional<agent_result> got;
    io.restart();
    prober.async_query(target, params, timeout, [&](agent_result r) { got = std::move(r); });
    const auto deadline = std::chrono::steady_clock::now() + seconds(30);
    while (!got && std::chrono::steady_clock::now() < deadline) io.run_one_for(milliseconds(50));
    if (!got) {
      ADD_FAILURE() << "agent query did not complete";
      return agent_result{probe_fail("test", "did not complete", {}), std::nullopt};
    }
    return *got;
  }
};

TEST_F(agent_test, EveryKindOfReply) {
  struct each {
    const char* line;
    effective_server expected;  // for a server whose check is up, at configured weight 10
  };
  const each cases[] = {
      {"75%\n", {true, 8, false, std::nullopt, "agent: 75%"}},
      {"ready\n", {true, 10, false, std::nullopt, "agent: up"}},
      {"drain\n", {true, 0, true, std::nullopt, "agent: drain"}},
      {"maint\n", {false, 0, false, std::nullopt, "agent: maint"}},
      {"down\n", {false, 0, false, std::nullopt, "agent: down"}},
      {"stopped # for the upgrade\r\n", {false, 0, false, std::nullopt, "agent: stopped (for the upgrade)"}},
      {"fail\n", {false, 0, false, std::nullopt, "agent: fail"}},
      {"up\n", {true, 10, false, std::nullopt, "agent: up"}},
      {"maxconn:30\n", {true, 10, false, 30U, "agent: up"}},
      {"up 50%, maxconn:5", {true, 5, false, 5U, "agent: 50%"}},  // ended by the close
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.line);
    local_server agent({"agent", c.line});
    ASSERT_TRUE(agent.running());
    const auto r = query(agent.target());
    ASSERT_TRUE(r.probe.ok) << r.probe.reason;
    ASSERT_TRUE(r.reply);
    std::string line = c.line;
    line.resize(line.find_first_of("\r\n") == std::string::npos ? line.size() : line.find_first_of("\r\n"));
    EXPECT_EQ(r.probe.reason, "agent reply from " + to_string(agent.target()) + ": " + line);
    EXPECT_EQ(combine_agent(true, apply_agent_reply({}, &*r.reply), 10), c.expected);
  }
  EXPECT_EQ(prober.running(), 0U);
  EXPECT_EQ(prober.malformed_replies(), 0U);
}

TEST_F(agent_test, TheNewlineEndsTheReplyWithoutTheClose) {
  local_server agent({"agent-hold", "drain 60%\nmore that is not read"});
  const auto r = query(agent.target(), {}, seconds(5));
  ASSERT_TRUE(r.probe.ok) << r.probe.reason;
  EXPECT_EQ(r.reply->admin, agent_admin::drain);
  EXPECT_EQ(r.reply->weight_percent, 60U);
  EXPECT_LT(r.probe.latency, seconds(2));  // not the timeout's end
}

TEST_F(agent_test, SendsItsRequestFirst) {
  local_server agent({"agent-echo"});
  const auto r = query(agent.target(), agent_params{"maxconn:12 ready\n"});
  ASSERT_TRUE(r.probe.ok) << r.probe.reason;
  EXPECT_EQ(r.reply->maxconn, 12U);
  EXPECT_EQ(r.reply->admin, agent_admin::ready);
}

TEST_F(agent_test, UnreachableSilentAndMalformedAgents) {
  const endpoint closed{boost::asio::ip::make_address("127.0.0.1"), test::closed_port()};
  auto r = query(closed);
  EXPECT_FALSE(r.probe.ok);
  EXPECT_FALSE(r.reply);
  EXPECT_EQ(r.probe.kind, "refused") << r.probe.reason;

  local_server silent({"tcp-hang"});
  r = query(silent.target(), {}, milliseconds(300));
  EXPECT_EQ(r.probe.kind, "timeout") << r.probe.reason;
  EXPECT_EQ(r.probe.reason, "no agent reply within 300ms to " + to_string(silent.target()));

  local_server empty({"agent", ""});
  r = query(empty.target());
  EXPECT_EQ(r.probe.kind, "empty") << r.probe.reason;

  // A line without end, longer than a line may be, on a connection left open: the prober stops
  // reading at the limit and does not wait for more.
  local_server endless({"agent-hold", std::string(4000, 'u')});
  r = query(endless.target(), {}, seconds(5));
  EXPECT_EQ(r.probe.kind, "malformed");
  EXPECT_EQ(r.probe.reason,
            "malformed agent reply from " + to_string(endless.target()) + ": agent reply longer than 512 bytes");
  EXPECT_LT(r.probe.latency, seconds(2));

  local_server garbage({"tcp-garbage"});
  local_server words({"agent", "hello world\n"});
  r = query(words.target());
  EXPECT_EQ(r.probe.kind, "malformed");
  EXPECT_EQ(r.probe.reason, "malformed agent reply from " + to_string(words.target()) +
                                ": agent reply without a word understood (\"hello\")");
  r = query(garbage.target(), agent_params{"state\n"});
  EXPECT_EQ(r.probe.kind, "malformed") << r.probe.reason;
  EXPECT_EQ(prober.malformed_replies(), 3U);
  EXPECT_EQ(prober.running(), 0U);

  // What the rule makes of it: by default the server is as its checks say.
  EXPECT_EQ(combine_agent(true, apply_agent_reply(agent_state{}, nullptr), 10).weight, 10U);
}

TEST_F(agent_test, ManyQueriesAtOnceReuseTheirSlots) {
  local_server agent({"agent", "up 50%\n"});
  for (int round = 0; round < 2; ++round) {
    int done = 0;
    int ok = 0;
    io.restart();
    for (int i = 0; i < 30; ++i) {
      prober.async_query(agent.target(), {}, seconds(5), [&](const agent_result& r) {
        ++done;
        if (r.probe.ok && r.reply && r.reply->weight_percent == 50U) ++ok;
      });
    }
    const auto deadline = std::chrono::steady_clock::now() + seconds(30);
    while (done < 30 && std::chrono::steady_clock::now() < deadline) io.run_one_for(milliseconds(50));
    EXPECT_EQ(done, 30);
    EXPECT_EQ(ok, 30);
  }
  EXPECT_EQ(prober.running(), 0U);
}

}  // namespace
}  // namespace lbd::healthcheck

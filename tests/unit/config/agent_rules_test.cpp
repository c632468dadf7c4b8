// SPDX-License-Identifier: GPL-2.0-or-later
// agent tables of services and real servers: one failing input per rule, and how a real server's
// table resolves against its service's.
#include "rule_case.hpp"

namespace lbd::config::test {
namespace {

class agent_rule : public testing::TestWithParam<rule_case> {};
TEST_P(agent_rule, is_reported_at_its_position) { expect_rule(GetParam()); }

// Lines 1-3; `agent = ...` is on line 4, the real server on lines 5-6 (its own agent on line 7).
#define VS "[[virtual_server]]\nname = \"http\"\naddress = \"192.0.2.10:80\"\n"
#define RS "[[virtual_server.real_server]]\naddress = \"10.0.1.11:8080\"\n"
#define LONG_SEND                                                                                                      \
  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" \
  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" \
  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

INSTANTIATE_TEST_SUITE_P(
    config, agent_rule,
    testing::Values(
        rule_case{"port_required", VS "agent = { send = \"x\" }\n" RS, "4:9",
                  "virtual_server[http].agent: missing required key 'port'"},
        rule_case{"port_above_zero", VS "agent = { port = 0 }\n" RS, "4:18",
                  "virtual_server[http].agent.port: 0 is out of range 1-65535"},
        rule_case{"port_at_most_65535", VS "agent = { port = 65536 }\n" RS, "4:18",
                  "virtual_server[http].agent.port: 65536 is out of range 1-65535"},
        rule_case{"timeout_below_interval", VS "agent = { port = 8081, interval = \"1s\", timeout = \"2s\" }\n" RS,
                  "4:51", "virtual_server[http].agent.timeout: timeout 2s must be shorter than interval 1s"},
        // The default timeout (1s) is judged against the interval given.
        rule_case{"default_timeout_below_interval", VS "agent = { port = 8081, interval = \"1s\" }\n" RS, "4:35",
                  "virtual_server[http].agent.interval: timeout 1s must be shorter than interval 1s"},
        rule_case{"interval_lower_bound", VS "agent = { port = 8081, interval = \"5ms\", timeout = \"1ms\" }\n" RS,
                  "4:35", "virtual_server[http].agent.interval: 5ms is below the minimum 10ms"},
        rule_case{"send_bounded", VS "agent = { port = 8081, send = \"" LONG_SEND "\" }\n" RS, "4:31",
                  "virtual_server[http].agent.send: is 257 bytes long, above the limit of 256"},
        rule_case{"unreachable_value", VS "agent = { port = 8081, unreachable = \"kep\" }\n" RS, "4:38",
                  "virtual_server[http].agent.unreachable: 'kep' is not valid; did you mean 'keep'?"},
        rule_case{"unknown_key", VS "agent = { port = 8081, sned = \"x\" }\n" RS, "4:24",
                  "virtual_server[http].agent.sned: unknown key; did you mean 'send'?"},
        rule_case{"true_is_not_a_table", VS "agent = true\n" RS, "4:9",
                  "virtual_server[http].agent: true is not an agent; write its table, or false for none"},
        rule_case{"real_server_port", VS RS "agent = { port = 70000 }\n", "6:18",
                  "virtual_server[http].real_server[10.0.1.11:8080].agent.port: 70000 is out of range 1-65535"},
        // Without a service's agent to take it from, a real server's table needs its port.
        rule_case{"real_server_port_required", VS RS "agent = { interval = \"5s\" }\n", "6:9",
                  "virtual_server[http].real_server[10.0.1.11:8080].agent: missing required key 'port'"}),
    name_of_case);

const char* const inherited = R"(
[[virtual_server]]
name = "web"
address = "192.0.2.10:80"
agent = { port = 8081, send = "state\n", interval = "3s", timeout = "1s" }
[[virtual_server.real_server]]
address = "10.0.1.11:80"
[[virtual_server.real_server]]
address = "10.0.1.12:80"
agent = { port = 9000, unreachable = "keep" }
[[virtual_server.real_server]]
address = "10.0.1.13:80"
agent = false
)";

TEST(agent_table, a_real_server_takes_its_services_agent_and_overrides_fields_of_it) {
  auto r = load_string(inherited, "t.conf", load_options{"n"});
  ASSERT_TRUE(r.ok()) << dump(r);
  const auto& servers = r.cfg->virtual_servers.at(0).real_servers;
  ASSERT_TRUE(servers[0].agent.has_value());
  EXPECT_EQ(servers[0].agent->port, 8081);
  EXPECT_EQ(servers[0].agent->send, "state\n");
  EXPECT_EQ(servers[0].agent->interval, std::chrono::seconds(3));
  EXPECT_EQ(servers[0].agent->unreachable, healthcheck::agent_unreachable::checks_only);
  ASSERT_TRUE(servers[1].agent.has_value());
  EXPECT_EQ(servers[1].agent->port, 9000);
  EXPECT_EQ(servers[1].agent->send, "state\n");
  EXPECT_EQ(servers[1].agent->interval, std::chrono::seconds(3));
  EXPECT_EQ(servers[1].agent->unreachable, healthcheck::agent_unreachable::keep_last);
  EXPECT_FALSE(servers[2].agent.has_value());
}

TEST(agent_table, defaults_ask_every_two_seconds_and_follow_the_checks_when_unreachable) {
  auto r = load_string(
      "[[virtual_server]]\nname = \"w\"\naddress = \"192.0.2.10:80\"\n"
      "[[virtual_server.real_server]]\naddress = \"10.0.1.11:80\"\nagent = { port = 8081 }\n",
      "t.conf", load_options{"n"});
  ASSERT_TRUE(r.ok()) << dump(r);
  const auto& a = r.cfg->virtual_servers.at(0).real_servers.at(0).agent;
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(*a, (healthcheck::agent_settings{8081, "", std::chrono::seconds(2), std::chrono::seconds(1),
                                             healthcheck::agent_unreachable::checks_only}));
  EXPECT_FALSE(r.cfg->virtual_servers.at(0).agent.has_value());
}

}  // namespace
}  // namespace lbd::config::test

// The CI builds compile several test files as one translation unit.
#undef RS
#undef VS

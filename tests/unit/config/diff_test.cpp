// SPDX-License-Identifier: GPL-2.0-or-later
// diff(old, new): what a reload must apply, by entity and field.
#include <gtest/gtest.h>

#include "config/diff.hpp"
#include "config/load.hpp"

namespace lbd::config {
namespace {

constexpr const char* base = R"(
[global]
node_name = "a"
[ipvs]
sync_daemon = { interface = "eth2", sync_id = 1, follow = "web" }
[[vrrp]]
name = "web"
interface = "eth0"
vrid = 51
priority = 150
virtual_ips = ["192.0.2.10/24"]
[[virtual_server]]
name = "http"
address = "192.0.2.10:80"
check = { type = "tcp" }
[[virtual_server.real_server]]
address = "10.0.1.11:80"
weight = 1
[[virtual_server.real_server]]
address = "10.0.1.12:80"
)";

config load(const std::string& text) {
  auto r = load_string(text, "t.conf", load_options{"n"});
  EXPECT_TRUE(r.ok()) << (r.diagnostics.empty() ? "" : format(r.diagnostics[0]));
  return r.ok() ? *r.cfg : config{};
}

// `base` with one textual replacement.
config edited(const std::string& from, const std::string& to) {
  std::string text = base;
  auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
  return load(text);
}

const endpoint rs11{boost::asio::ip::make_address("10.0.1.11"), 80};
const endpoint rs12{boost::asio::ip::make_address("10.0.1.12"), 80};

TEST(config_diff, identical_configurations_have_no_difference) { EXPECT_TRUE(diff(load(base), load(base)).empty()); }

TEST(config_diff, real_server_weight_change_touches_only_that_real_server) {
  auto d = diff(load(base), edited("weight = 1", "weight = 5"));
  ASSERT_EQ(d.real_servers.size(), 1U);
  EXPECT_EQ(d.real_servers[0], (real_server_change{change_kind::changed, "http", rs11, {"weight"}}));
  EXPECT_TRUE(d.virtual_servers.empty());
  EXPECT_TRUE(d.vrrp.empty());
  EXPECT_TRUE(d.global.empty());
  EXPECT_TRUE(d.ipvs.empty());
}

TEST(config_diff, service_check_change_is_a_service_field_and_a_real_server_check_change) {
  auto d = diff(load(base), edited("check = { type = \"tcp\" }", "check = { type = \"tcp\", interval = \"5s\" }"));
  ASSERT_EQ(d.virtual_servers.size(), 1U);
  EXPECT_EQ(d.virtual_servers[0], (change{change_kind::changed, "http", {"check"}}));
  EXPECT_FALSE(changes_service_key(d.virtual_servers[0]));
  ASSERT_EQ(d.real_servers.size(), 2U);
  EXPECT_EQ(d.real_servers[0], (real_server_change{change_kind::changed, "http", rs11, {"check"}}));
  EXPECT_EQ(d.real_servers[1], (real_server_change{change_kind::changed, "http", rs12, {"check"}}));
}

// Real servers share one check when theirs resolve to the same; a changed parameter of one
// server's check still tells that server apart, whether the old one was shared or its own.
TEST(config_diff, real_server_check_parameter_change_is_found_through_shared_checks) {
  auto own = edited("weight = 1", "weight = 1\ncheck = { send = \"PING\" }");
  auto d = diff(load(base), own);
  ASSERT_EQ(d.real_servers.size(), 1U);
  EXPECT_EQ(d.real_servers[0], (real_server_change{change_kind::changed, "http", rs11, {"check"}}));
  EXPECT_TRUE(d.virtual_servers.empty());
  auto other = edited("weight = 1", "weight = 1\ncheck = { send = \"PONG\" }");
  d = diff(own, other);
  ASSERT_EQ(d.real_servers.size(), 1U);
  EXPECT_EQ(d.real_servers[0], (real_server_change{change_kind::changed, "http", rs11, {"check"}}));
  // An override that resolves to the service's check is no change.
  EXPECT_TRUE(diff(load(base), edited("weight = 1", "weight = 1\ncheck = { type = \"tcp\" }")).empty());
}

TEST(config_diff, service_address_change_is_a_key_change) {
  auto d = diff(load(base), edited("address = \"192.0.2.10:80\"", "address = \"192.0.2.10:8080\""));
  ASSERT_EQ(d.virtual_servers.size(), 1U);
  EXPECT_EQ(d.virtual_servers[0].fields, std::vector<std::string>{"address"});
  EXPECT_TRUE(changes_service_key(d.virtual_servers[0]));
  EXPECT_TRUE(d.real_servers.empty());
}

TEST(config_diff, protocol_change_is_a_key_change_and_scheduler_is_not) {
  auto proto = diff(load(base), edited("check = { type = \"tcp\" }", "protocol = \"udp\""));
  ASSERT_EQ(proto.virtual_servers.size(), 1U);
  EXPECT_TRUE(changes_service_key(proto.virtual_servers[0]));
  auto sched = diff(load(base), edited("check = { type = \"tcp\" }", "check = { type = \"tcp\" }\nscheduler = \"rr\""));
  ASSERT_EQ(sched.virtual_servers.size(), 1U);
  EXPECT_EQ(sched.virtual_servers[0].fields, std::vector<std::string>{"scheduler"});
  EXPECT_FALSE(changes_service_key(sched.virtual_servers[0]));
}

TEST(config_diff, real_servers_added_and_removed) {
  auto d = diff(load(base), edited("address = \"10.0.1.12:80\"", "address = \"10.0.1.13:80\""));
  const endpoint rs13{boost::asio::ip::make_address("10.0.1.13"), 80};
  ASSERT_EQ(d.real_servers.size(), 2U);
  EXPECT_EQ(d.real_servers[0], (real_server_change{change_kind::added, "http", rs13, {}}));
  EXPECT_EQ(d.real_servers[1], (real_server_change{change_kind::removed, "http", rs12, {}}));
}

TEST(config_diff, services_and_instances_added_and_removed_by_name) {
  auto d = diff(load(base), edited("name = \"http\"", "name = \"www\""));
  ASSERT_EQ(d.virtual_servers.size(), 2U);
  EXPECT_EQ(d.virtual_servers[0], (change{change_kind::added, "www", {}}));
  EXPECT_EQ(d.virtual_servers[1], (change{change_kind::removed, "http", {}}));
  EXPECT_TRUE(d.real_servers.empty());  // they come and go with their service

  auto v = diff(load(base), load(std::string(base) + R"(
[[vrrp]]
name = "gw"
interface = "eth1"
vrid = 52
virtual_ips = ["10.0.1.1/24"]
)"));
  ASSERT_EQ(v.vrrp.size(), 1U);
  EXPECT_EQ(v.vrrp[0], (change{change_kind::added, "gw", {}}));
}

TEST(config_diff, vrrp_priority_and_global_and_ipvs_fields) {
  auto d = diff(load(base), edited("priority = 150", "priority = 100\npreempt_delay = \"5s\""));
  ASSERT_EQ(d.vrrp.size(), 1U);
  EXPECT_EQ(d.vrrp[0], (change{change_kind::changed, "web", {"priority", "preempt_delay"}}));

  auto g = diff(load(base), edited("node_name = \"a\"", "node_name = \"b\"\nlog_level = \"debug\""));
  EXPECT_EQ(g.global, (std::vector<std::string>{"node_name", "log_level"}));

  auto i = diff(load(base), edited("sync_id = 1", "sync_id = 2"));
  EXPECT_EQ(i.ipvs, std::vector<std::string>{"sync_daemon"});
  auto t = diff(load(base), edited("[ipvs]", "[ipvs]\ntimeouts = { tcp = \"1m\" }"));
  EXPECT_EQ(t.ipvs, std::vector<std::string>{"timeouts"});
}

TEST(config_diff, removed_optional_key_is_a_changed_field) {
  auto d = diff(edited("check = { type = \"tcp\" }", "check = { type = \"tcp\" }\nsorry_server = \"10.0.1.250:80\""),
                load(base));
  ASSERT_EQ(d.virtual_servers.size(), 1U);
  EXPECT_EQ(d.virtual_servers[0].fields, std::vector<std::string>{"sorry_server"});
}

}  // namespace
}  // namespace lbd::config

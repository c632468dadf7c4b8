// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/reload/reload_plan.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/load.hpp"
#include "config_text.hpp"

namespace lbd::daemon {
namespace {

using ::testing::ElementsAre;

using test::load;

// One [[vrrp]] "web" with `extra` lines, and a service with two real servers.
std::string conf(const std::string& vrrp_extra = "", const std::string& second_weight = "2",
                 const std::string& global = "") {
  return "[global]\n" + global + R"(
[[vrrp]]
name = "web"
interface = "eth0"
vrid = 51
virtual_ips = ["192.0.2.10/24"]
)" + vrrp_extra +
         R"(
[[virtual_server]]
name = "http"
address = "192.0.2.10:80"
[[virtual_server.real_server]]
address = "10.0.1.11:80"
[[virtual_server.real_server]]
address = "10.0.1.12:80"
weight = )" +
         second_weight + "\n";
}

TEST(reload_plan, no_change_is_an_empty_plan) {
  const auto p = plan_reload(load(conf()), load(conf()));
  EXPECT_TRUE(p.empty());
  EXPECT_THAT(p.vrrp.keep, ElementsAre("web"));
  EXPECT_TRUE(p.vrrp.update.empty() && p.vrrp.restart.empty() && p.vrrp.start.empty() && p.vrrp.stop.empty());
  EXPECT_TRUE(p.services.empty());
  EXPECT_FALSE(p.services.hooks_only);
  EXPECT_TRUE(p.globals.empty());
  EXPECT_EQ(summarize(p), "no change");
}

TEST(reload_plan, a_notify_hook_change_updates_the_instance_in_place) {
  const auto p = plan_reload(load(conf()), load(conf("notify = { master = [\"/bin/true\"] }\n")));
  EXPECT_THAT(p.vrrp.update, ElementsAre(vrrp_instance_change{"web", {"notify"}}));
  EXPECT_TRUE(p.vrrp.restart.empty());
  EXPECT_TRUE(p.vrrp.keep.empty());
  EXPECT_TRUE(p.services.empty());
  EXPECT_TRUE(p.globals.empty());
  EXPECT_EQ(summarize(p), "vrrp ~web(in place: notify)");
  const auto j = to_json(p);
  EXPECT_EQ(j["vrrp"]["update"], nlohmann::json::parse(R"([{"name":"web","settings":["notify"]}])"));
  EXPECT_TRUE(j["vrrp"]["restart"].empty());
}

TEST(reload_plan, a_sync_group_change_updates_the_instance_in_place) {
  const auto p = plan_reload(load(conf()), load(conf("sync_group = \"g\"\n")));
  EXPECT_THAT(p.vrrp.update, ElementsAre(vrrp_instance_change{"web", {"sync_group"}}));
  EXPECT_TRUE(p.vrrp.restart.empty());
  EXPECT_EQ(summarize(p), "vrrp ~web(in place: sync_group)");
}

TEST(reload_plan, a_priority_change_restarts_the_instance) {
  // The state machine, its timers and adverts depend on the priority: the runtime restarts it.
  const auto p = plan_reload(load(conf()), load(conf("priority = 150\nnotify = { any = [\"/bin/true\"] }\n")));
  EXPECT_THAT(p.vrrp.restart, ElementsAre(vrrp_instance_change{"web", {"priority", "notify"}}));
  EXPECT_TRUE(p.vrrp.update.empty());
  EXPECT_THAT(p.vrrp.started_or_restarted(), ElementsAre("web"));
  EXPECT_EQ(summarize(p), "vrrp ~web(restart: priority,notify)");
}

TEST(reload_plan, a_real_server_weight_change_touches_only_that_server) {
  const auto p = plan_reload(load(conf()), load(conf("", "5")));
  EXPECT_THAT(p.vrrp.keep, ElementsAre("web"));
  EXPECT_TRUE(p.services.changed.empty());
  ASSERT_EQ(p.services.real_servers.size(), 1U);
  EXPECT_EQ(p.services.real_servers[0].service, "http");
  EXPECT_EQ(to_string(p.services.real_servers[0].address), "10.0.1.12:80");
  EXPECT_THAT(p.services.real_servers[0].fields, ElementsAre("weight"));
  EXPECT_FALSE(p.services.hooks_only);
  EXPECT_EQ(summarize(p), "real_server ~http/10.0.1.12:80(weight)");
  EXPECT_EQ(
      to_json(p)["services"]["real_servers"][0],
      nlohmann::json::parse(R"({"change":"changed","service":"http","address":"10.0.1.12:80","fields":["weight"]})"));
}

TEST(reload_plan, a_real_server_notify_change_is_hooks_only) {
  auto next = load(conf());
  next.virtual_servers[0].real_servers[0].notify.down = {"/bin/true"};
  const auto p = plan_reload(load(conf()), next);
  EXPECT_TRUE(p.services.hooks_only);
  EXPECT_THAT(p.services.real_servers.at(0).fields, ElementsAre("notify"));
}

TEST(reload_plan, services_added_removed_and_recreated) {
  auto running = load(conf());
  auto next = running;
  next.virtual_servers[0].address = *parse_endpoint("192.0.2.10:8080");
  auto smtp = next.virtual_servers[0];
  smtp.name = "smtp";
  smtp.address = *parse_endpoint("192.0.2.10:25");
  next.virtual_servers.push_back(smtp);
  const auto p = plan_reload(running, next);
  EXPECT_THAT(p.services.added, ElementsAre("smtp"));
  ASSERT_EQ(p.services.changed.size(), 1U);
  EXPECT_THAT(p.services.recreated, ElementsAre("http"));
  const auto back = plan_reload(next, running);
  EXPECT_THAT(back.services.removed, ElementsAre("smtp"));
}

// A group keeping one of its entry points is changed in place: only the others come and go.
TEST(reload_plan, a_group_keeping_an_entry_point_is_not_recreated) {
  auto running = load(conf());
  auto next = running;
  next.virtual_servers[0].more_addresses.push_back(*parse_endpoint("192.0.2.11:80"));
  auto p = plan_reload(running, next);
  ASSERT_EQ(p.services.changed.size(), 1U);
  EXPECT_THAT(p.services.changed[0].fields, ElementsAre("address"));
  EXPECT_TRUE(p.services.recreated.empty());
  // Its first address replaced by the other: still one kept.
  auto moved = next;
  moved.virtual_servers[0].address = *parse_endpoint("192.0.2.11:80");
  moved.virtual_servers[0].more_addresses.clear();
  p = plan_reload(next, moved);
  EXPECT_TRUE(p.services.recreated.empty());
  // None kept: re-created.
  moved.virtual_servers[0].address = *parse_endpoint("192.0.2.12:80");
  p = plan_reload(next, moved);
  EXPECT_THAT(p.services.recreated, ElementsAre("http"));
}

TEST(reload_plan, globals_name_what_the_main_loop_applies) {
  const auto p = plan_reload(load(conf()), load(conf("", "2",
                                                     "log_level = \"debug\"\nmetrics_listen = \"127.0.0.1:9712\"\n"
                                                     "control_socket = \"/run/x.sock\"\ndrain_timeout = \"1s\"\n")));
  EXPECT_TRUE(p.globals.log_level);
  EXPECT_TRUE(p.globals.metrics_listen);
  EXPECT_TRUE(p.globals.control_socket);
  EXPECT_THAT(p.globals.other, ElementsAre("drain_timeout"));
  EXPECT_FALSE(p.globals.ipvs_timeouts);
  EXPECT_EQ(to_json(p)["global"]["deferred"], nlohmann::json::parse(R"(["control_socket"])"));
  EXPECT_THAT(p.vrrp.keep, ElementsAre("web"));
}

TEST(reload_plan, instances_start_and_stop) {
  const auto p = plan_reload(config::config{}, load(conf()));
  EXPECT_THAT(p.vrrp.start, ElementsAre("web"));
  EXPECT_THAT(p.services.added, ElementsAre("http"));
  const auto gone = plan_reload(load(conf()), config::config{});
  EXPECT_THAT(gone.vrrp.stop, ElementsAre("web"));
  EXPECT_THAT(gone.services.removed, ElementsAre("http"));
}

}  // namespace
}  // namespace lbd::daemon

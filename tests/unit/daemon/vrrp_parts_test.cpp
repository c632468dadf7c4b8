// SPDX-License-Identifier: GPL-2.0-or-later
// The pure parts of the VRRP runtime: config translation, primary address choice, reload plans,
// notify arguments, sync group wiring and the status object.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/diff.hpp"
#include "config/load.hpp"
#include "config_text.hpp"
#include "daemon/vrrp/vrrp_config.hpp"
#include "daemon/vrrp/vrrp_groups.hpp"
#include "daemon/vrrp/vrrp_notify.hpp"
#include "daemon/vrrp/vrrp_reload.hpp"
#include "daemon/vrrp/vrrp_runtime.hpp"
#include "daemon/vrrp/vrrp_start_retry.hpp"
#include "daemon/vrrp/vrrp_status.hpp"

namespace lbd::daemon {
namespace {

using ::testing::ElementsAre;
using vrrp::state;

using test::load;

const char* const two_instances = R"(
[[vrrp]]
name = "web"
interface = "eth0"
vrid = 51
priority = 150
version = 2
advert_interval = "1s"
preempt_delay = "5s"
virtual_ips = ["192.0.2.10/24", { address = "192.0.2.11/24", label = "eth0:web" }]
unicast_peers = ["10.0.0.3"]
unicast_source = "10.0.0.2"
unicast_require_ttl_255 = true
auth = { type = "pass", password = "secret" }
garp = { repeat = 2, delay = "10ms", refresh = "60s" }
track_interfaces = [{ name = "eth1", weight = -20 }]
track_scripts = [{ name = "alive", command = ["/bin/true"], weight = 10, rise = 2, fall = 3 }]
sync_group = "g"

[[vrrp]]
name = "db"
interface = "eth0"
vrid = 52
advert_interval = "100ms"
virtual_ips = ["2001:db8::10/64"]
sync_group = "g"
)";

netif::interface_address addr(const char* p) { return netif::interface_address{parse_prefix(p).value(), ""}; }

TEST(VrrpDaemonConfig, TranslatesEveryField) {
  auto cfg = load(two_instances);
  ASSERT_EQ(cfg.vrrp.size(), 2U);
  ASSERT_EQ(configured_source(cfg.vrrp[0]), parse_address("10.0.0.2").value());
  auto c = to_instance_config(cfg.vrrp[0], *configured_source(cfg.vrrp[0]));
  EXPECT_TRUE(vrrp::validate(c));
  EXPECT_EQ(c.name, "web");
  EXPECT_EQ(c.vrid, 51);
  EXPECT_EQ(c.priority, 150);
  EXPECT_EQ(c.version, vrrp::version::v2);
  EXPECT_EQ(c.advert_interval, vrrp::centiseconds(100));
  EXPECT_EQ(c.preempt_delay, std::chrono::seconds(5));
  ASSERT_EQ(c.virtual_ips.size(), 2U);
  EXPECT_EQ(vrrp::label_of(c, c.virtual_ips[1]), "eth0:web");
  EXPECT_EQ(vrrp::label_of(c, c.virtual_ips[0]), "");
  EXPECT_THAT(c.unicast_peers, ElementsAre(parse_address("10.0.0.3").value()));
  EXPECT_TRUE(c.unicast_ttl_check);
  EXPECT_EQ(c.auth, vrrp::v2_auth::simple_password("secret"));
  EXPECT_EQ(c.garp.repeat, 2U);
  EXPECT_EQ(c.garp.interval, std::chrono::milliseconds(10));
  EXPECT_EQ(c.garp.refresh, std::chrono::seconds(60));
  ASSERT_EQ(c.track_interfaces.size(), 1U);
  EXPECT_EQ(c.track_interfaces[0].weight, -20);
  ASSERT_EQ(c.track_scripts.size(), 1U);
  EXPECT_EQ(c.track_scripts[0].name, "alive");
  EXPECT_EQ(c.track_scripts[0].rise, 2U);
  EXPECT_EQ(c.track_scripts[0].fall, 3U);
  EXPECT_EQ(c.track_scripts[0].weight, 10);

  auto d = to_instance_config(cfg.vrrp[1], parse_address("fe80::2").value());
  EXPECT_TRUE(vrrp::validate(d));
  EXPECT_EQ(d.version, vrrp::version::v3);
  EXPECT_EQ(d.advert_interval, vrrp::centiseconds(10));
  EXPECT_EQ(d.auth.type, vrrp::auth_type::none);
  EXPECT_FALSE(d.unicast_ttl_check);
  EXPECT_FALSE(configured_source(cfg.vrrp[1]));
}

TEST(VrrpDaemonConfig, PrimaryIsTheFirstAddressOfTheFamilyButNeverAVip) {
  auto cfg = load(two_instances);
  auto v4 = cfg.vrrp[0];
  v4.unicast_peers.clear();
  v4.unicast_source.reset();
  // A VIP left by a crashed predecessor comes first in the list: skipped.
  auto p =
      choose_primary(v4, {addr("2001:db8::5/64"), addr("192.0.2.10/24"), addr("10.0.0.2/24"), addr("10.0.0.9/24")});
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, parse_address("10.0.0.2").value());

  // IPv6 multicast: the link-local address, as RFC 5798 requires.
  const auto& v6 = cfg.vrrp[1];
  p = choose_primary(v6, {addr("10.0.0.2/24"), addr("2001:db8::5/64"), addr("fe80::2/64")});
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, parse_address("fe80::2").value());
  // IPv6 unicast: the scope of the peers.
  auto v6u = v6;
  v6u.unicast_peers = {parse_address("2001:db8::6").value()};
  p = choose_primary(v6u, {addr("fe80::2/64"), addr("2001:db8::5/64")});
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, parse_address("2001:db8::5").value());
  v6u.unicast_peers = {parse_address("fe80::6").value()};
  p = choose_primary(v6u, {addr("2001:db8::5/64"), addr("fe80::2/64")});
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, parse_address("fe80::2").value());

  // A tentative address (duplicate address detection running) cannot send yet.
  auto fresh = addr("fe80::2/64");
  fresh.tentative = true;
  p = choose_primary(v6, {fresh, addr("fe80::3/64")});
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, parse_address("fe80::3").value());
  auto waiting = choose_primary(v6, {addr("2001:db8::5/64"), fresh});
  ASSERT_FALSE(waiting);
  EXPECT_THAT(waiting.error(), ::testing::HasSubstr("fe80::2 on eth0 is still tentative"));

  auto none = choose_primary(v6, {addr("10.0.0.2/24"), addr("2001:db8::5/64")});
  ASSERT_FALSE(none);
  EXPECT_THAT(none.error(), ::testing::HasSubstr("no link-local IPv6 address"));
  EXPECT_THAT(none.error(), ::testing::HasSubstr("'db'"));
}

TEST(VrrpReload, KeepsUpdatesRestartsStartsAndStops) {
  config::config running = load(two_instances);
  config::config wanted = running;
  auto plan = plan_vrrp_reload(config::diff(running, wanted).vrrp, wanted.vrrp);
  EXPECT_THAT(plan.keep, ElementsAre("web", "db"));

  // Notify and sync group are rewired in place; anything else restarts.
  wanted.vrrp[0].notify.master = {"/bin/echo", "hi"};
  wanted.vrrp[0].sync_group.reset();
  wanted.vrrp[1].priority = 120;
  auto added = running.vrrp[1];
  added.name = "api";
  added.vrid = 53;
  wanted.vrrp.insert(wanted.vrrp.begin(), added);
  plan = plan_vrrp_reload(config::diff(running, wanted).vrrp, wanted.vrrp);
  EXPECT_TRUE(plan.keep.empty());
  EXPECT_THAT(plan.update, ElementsAre(vrrp_instance_change{"web", {"notify", "sync_group"}}));
  EXPECT_THAT(plan.restart, ElementsAre(vrrp_instance_change{"db", {"priority"}}));
  EXPECT_THAT(plan.start, ElementsAre("api"));
  EXPECT_TRUE(plan.stop.empty());
  EXPECT_TRUE(plan.restarts("db"));
  EXPECT_FALSE(plan.restarts("web"));
  EXPECT_THAT(plan.started_or_restarted(), ElementsAre("api", "db"));

  config::config only_api;
  only_api.vrrp = {added};
  plan = plan_vrrp_reload(config::diff(running, only_api).vrrp, only_api.vrrp);
  EXPECT_TRUE(plan.keep.empty());
  EXPECT_THAT(plan.start, ElementsAre("api"));
  EXPECT_THAT(plan.stop, ElementsAre("web", "db"));
  EXPECT_TRUE(plan.stops("web"));

  plan = plan_vrrp_reload(config::diff(config::config{}, running).vrrp, running.vrrp);
  EXPECT_THAT(plan.start, ElementsAre("web", "db"));
}

TEST(VrrpNotify, ArgumentsAreCommandInstanceStatePriorityAndAnyEndsWithTheState) {
  config::vrrp_notify n;
  n.master = {"/usr/local/sbin/page", "--urgent"};
  n.stop = {"/bin/logger"};
  n.any = {"/usr/local/bin/any"};
  EXPECT_THAT(notify_commands(n, "web", state::master, 150),
              ElementsAre(ElementsAre("/usr/local/sbin/page", "--urgent", "web", "master", "150"),
                          ElementsAre("/usr/local/bin/any", "web", "150", "master")));
  // No backup command: only `any`.
  EXPECT_THAT(notify_commands(n, "web", state::backup, 100),
              ElementsAre(ElementsAre("/usr/local/bin/any", "web", "100", "backup")));
  EXPECT_THAT(notify_commands(n, "web", state::init, 100),
              ElementsAre(ElementsAre("/bin/logger", "web", "stop", "100"),
                          ElementsAre("/usr/local/bin/any", "web", "100", "stop")));
  n.any.clear();
  EXPECT_TRUE(notify_commands(n, "web", state::fault, 100).empty());
}

TEST(VrrpNotify, KeepalivedArgumentsLeaveStateCommandsAsWrittenAndGiveAnyTheKeepalivedLine) {
  config::vrrp_notify n;
  n.master = {"/usr/local/sbin/page", "--urgent"};
  n.stop = {"/bin/logger"};
  n.any = {"/etc/keepalived/notify.sh"};
  n.arguments = config::notify_arguments::keepalived;
  EXPECT_THAT(notify_commands(n, "web", state::master, 150),
              ElementsAre(ElementsAre("/usr/local/sbin/page", "--urgent"),
                          ElementsAre("/etc/keepalived/notify.sh", "INSTANCE", "web", "MASTER", "150")));
  EXPECT_THAT(notify_commands(n, "web", state::backup, 100),
              ElementsAre(ElementsAre("/etc/keepalived/notify.sh", "INSTANCE", "web", "BACKUP", "100")));
  EXPECT_THAT(notify_commands(n, "web", state::fault, 0),
              ElementsAre(ElementsAre("/etc/keepalived/notify.sh", "INSTANCE", "web", "FAULT", "0")));
  EXPECT_THAT(notify_commands(n, "web", state::init, 100),
              ElementsAre(ElementsAre("/bin/logger"),
                          ElementsAre("/etc/keepalived/notify.sh", "INSTANCE", "web", "STOP", "100")));
  EXPECT_EQ(notify_state_word(state::fault), "fault");
}

std::vector<std::string> targets(const std::vector<vrrp_groups::directive>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds) out.push_back(d.instance);
  return out;
}

template <class E>
bool all_are(const std::vector<vrrp_groups::directive>& ds) {
  return std::all_of(ds.begin(), ds.end(), [](const auto& d) { return std::holds_alternative<E>(d.event); });
}

TEST(VrrpGroups, MembersMoveTogetherAndAFaultTakesTheGroup) {
  auto cfg = load(two_instances);
  auto solo = cfg.vrrp[1];
  solo.name = "solo";
  solo.vrid = 60;
  solo.sync_group.reset();
  cfg.vrrp.push_back(solo);
  vrrp_groups g(cfg.vrrp);
  EXPECT_EQ(g.group_of("web"), "g");
  EXPECT_FALSE(g.group_of("solo"));

  EXPECT_TRUE(g.on_transition("web", state::init, state::backup).empty());
  EXPECT_TRUE(g.on_transition("db", state::init, state::backup).empty());
  auto d = g.on_transition("web", state::backup, state::master);
  EXPECT_THAT(targets(d), ElementsAre("db"));
  EXPECT_TRUE(all_are<vrrp::ev::force_master>(d));
  EXPECT_TRUE(g.on_transition("db", state::backup, state::master).empty());

  // web's tracked interface fails with weight 0: both go to FAULT; priority first, then the fault.
  const vrrp::tracking_state ok{false, "", 150};
  const vrrp::tracking_state bad{true, "tracked interface eth1 down", 150};
  d = g.on_tracking("web", ok, bad);
  EXPECT_THAT(targets(d), ElementsAre("web", "db"));
  EXPECT_TRUE(all_are<vrrp::ev::fault_on>(d));
  d = g.on_tracking("web", bad, ok);
  EXPECT_THAT(targets(d), ElementsAre("web", "db"));
  EXPECT_TRUE(all_are<vrrp::ev::fault_off>(d));

  const vrrp::tracking_state lower{false, "", 130};
  d = g.on_tracking("db", ok, lower);
  EXPECT_THAT(targets(d), ElementsAre("db"));
  EXPECT_TRUE(all_are<vrrp::ev::priority_changed>(d));

  // Outside a group the instance gets its own tracking events.
  d = g.on_tracking("solo", ok, bad);
  EXPECT_THAT(targets(d), ElementsAre("solo"));
  EXPECT_TRUE(all_are<vrrp::ev::fault_on>(d));
  EXPECT_TRUE(g.on_transition("solo", state::backup, state::master).empty());
}

TEST(VrrpGroups, SeedingAfterReloadMovesNobodyButSpreadsAFault) {
  auto cfg = load(two_instances);
  vrrp_groups g(cfg.vrrp);
  EXPECT_TRUE(g.seed("web", state::master, vrrp::tracking_state{false, "", 150}).empty());
  auto d = g.seed("db", state::fault, vrrp::tracking_state{true, "interface eth0 down", 100});
  EXPECT_THAT(targets(d), ElementsAre("web", "db"));
  EXPECT_TRUE(all_are<vrrp::ev::fault_on>(d));
  EXPECT_TRUE(g.seed("nobody", state::master, {}).empty());
}

TEST(VrrpStatus, ObjectAsDocumented) {
  auto cfg = load(two_instances);
  vrrp_transition t{"web", state::backup, state::master, "no advert from master 10.0.0.3 for 3609.37 ms",
                    std::chrono::system_clock::time_point(std::chrono::milliseconds(1795253400123LL))};
  vrrp_instance_view v;
  v.config = cfg.vrrp[0];
  v.state = state::master;
  v.effective_priority = 160;
  v.master = "10.0.0.2";
  v.last = t;
  const nlohmann::json j = to_answer(v);
  EXPECT_EQ(j, nlohmann::json::parse(R"({
    "name": "web", "interface": "eth0", "vmac_interface": null, "vrid": 51, "version": 2, "state": "MASTER", "priority": 150,
    "effective_priority": 160, "master": "10.0.0.2", "virtual_ips": ["192.0.2.10/24", "192.0.2.11/24"],
    "sync_group": "g", "fault_reason": "", "vips_held": false,
    "last_transition": {"from": "BACKUP", "to": "MASTER",
                        "reason": "no advert from master 10.0.0.3 for 3609.37 ms", "at": "2026-11-21T09:30:00.123Z"}
  })"))
      << j.dump(2);

  vrrp_instance_view fresh;
  fresh.config = cfg.vrrp[1];
  const nlohmann::json k = to_answer(fresh);
  EXPECT_TRUE(k["last_transition"].is_null());
  EXPECT_EQ(k["state"], "INIT");
  EXPECT_EQ(k["master"], "");
  EXPECT_EQ(k["virtual_ips"], nlohmann::json::array({"2001:db8::10/64"}));
}

TEST(VrrpStartRetry, SoonAtFirstThenEveryFiveSeconds) {
  using std::chrono::milliseconds;
  EXPECT_EQ(vrrp_start_retry_delay(0), milliseconds(1000));
  EXPECT_EQ(vrrp_start_retry_delay(1), milliseconds(2000));
  EXPECT_EQ(vrrp_start_retry_delay(2), milliseconds(4000));
  EXPECT_EQ(vrrp_start_retry_delay(3), milliseconds(5000));
  EXPECT_EQ(vrrp_start_retry_delay(4000000000U), milliseconds(5000));  // no overflow after days
}

}  // namespace
}  // namespace lbd::daemon

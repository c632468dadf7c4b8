// SPDX-License-Identifier: GPL-2.0-or-later
// [[sync_group]] hooks: when a group as a whole changes state (vrrp_groups::settle) and the
// arguments its commands get (group_notify_commands), in both conventions.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/load.hpp"
#include "config_text.hpp"
#include "daemon/vrrp/vrrp_groups.hpp"
#include "daemon/vrrp/vrrp_notify.hpp"

namespace lbd::daemon {
namespace {

using ::testing::ElementsAre;
using vrrp::state;

const char* const pair_with_hooks = R"(
[[vrrp]]
name = "web"
interface = "eth0"
vrid = 51
virtual_ips = ["192.0.2.10/24"]
sync_group = "gw"

[[vrrp]]
name = "db"
interface = "eth1"
vrid = 52
virtual_ips = ["192.0.2.20/24"]
sync_group = "gw"

[[sync_group]]
name = "gw"
notify = { master = ["/usr/lib/lbd/conntrackd-primary", "-q"], any = ["/usr/local/bin/record"] }
)";

using test::load;

// Feeds one member transition and returns the group change it settles, as "FROM>TO" or "".
std::string step(vrrp_groups& g, const std::string& member, state from, state to) {
  (void)g.on_transition(member, from, to);
  auto c = g.settle(member);
  if (!c) return "";
  EXPECT_EQ(c->group, "gw");
  return std::string(vrrp::to_string(c->from)) + ">" + std::string(vrrp::to_string(c->to));
}

TEST(SyncGroupHooks, TheGroupMovesOnceWhenItsLastMemberArrives) {
  auto cfg = load(pair_with_hooks);
  ASSERT_EQ(cfg.sync_groups.size(), 1U);
  vrrp_groups g(cfg.vrrp);
  EXPECT_EQ(step(g, "web", state::init, state::backup), "INIT>BACKUP");  // the first member up
  EXPECT_EQ(step(g, "db", state::init, state::backup), "");
  EXPECT_EQ(step(g, "web", state::backup, state::master), "");  // db not yet MASTER
  EXPECT_EQ(step(g, "db", state::backup, state::master), "BACKUP>MASTER");
  EXPECT_EQ(step(g, "db", state::master, state::backup), "MASTER>BACKUP");  // outranked
  EXPECT_EQ(step(g, "web", state::master, state::backup), "");
  EXPECT_EQ(step(g, "web", state::backup, state::fault), "BACKUP>FAULT");
  EXPECT_EQ(step(g, "db", state::backup, state::fault), "");
  EXPECT_EQ(step(g, "web", state::fault, state::backup), "");  // db still in FAULT
  EXPECT_EQ(step(g, "db", state::fault, state::backup), "FAULT>BACKUP");
  EXPECT_EQ(step(g, "web", state::backup, state::init), "");  // stopping: the last one stops it
  EXPECT_EQ(step(g, "db", state::backup, state::init), "BACKUP>INIT");
  EXPECT_FALSE(g.settle("nobody"));
}

TEST(SyncGroupHooks, AReloadAdoptsTheStateWithoutNotifying) {
  auto cfg = load(pair_with_hooks);
  vrrp_groups g(cfg.vrrp);
  (void)g.seed("web", state::master, vrrp::tracking_state{false, "", 100});
  (void)g.seed("db", state::master, vrrp::tracking_state{false, "", 100});
  g.adopt_states();
  EXPECT_FALSE(g.settle("web"));
  EXPECT_EQ(step(g, "web", state::master, state::backup), "MASTER>BACKUP");
}

TEST(SyncGroupHooks, LbdArgumentsAreGroupThenState) {
  auto n = load(pair_with_hooks).sync_groups.at(0).notify;
  EXPECT_THAT(group_notify_commands(n, "gw", state::master),
              ElementsAre(ElementsAre("/usr/lib/lbd/conntrackd-primary", "-q", "gw", "master"),
                          ElementsAre("/usr/local/bin/record", "gw", "master")));
  EXPECT_THAT(group_notify_commands(n, "gw", state::init),
              ElementsAre(ElementsAre("/usr/local/bin/record", "gw", "stop")));
}

TEST(SyncGroupHooks, KeepalivedArgumentsGiveAnyTheGroupLineWithPriorityZero) {
  auto n = load(pair_with_hooks).sync_groups.at(0).notify;
  n.arguments = config::notify_arguments::keepalived;
  EXPECT_THAT(group_notify_commands(n, "gw", state::master),
              ElementsAre(ElementsAre("/usr/lib/lbd/conntrackd-primary", "-q"),
                          ElementsAre("/usr/local/bin/record", "GROUP", "gw", "MASTER", "0")));
  EXPECT_THAT(group_notify_commands(n, "gw", state::fault),
              ElementsAre(ElementsAre("/usr/local/bin/record", "GROUP", "gw", "FAULT", "0")));
}

TEST(SyncGroupHooks, ATableNoInstanceJoinsIsAnError) {
  std::string text = pair_with_hooks;
  text += "\n[[sync_group]]\nname = \"gx\"\n";
  std::string all = test::diagnostics_of(text);
  EXPECT_NE(all.find("no [[vrrp]] has sync_group = \"gx\"; did you mean 'gw'?"), std::string::npos) << all;
  text = pair_with_hooks;
  text += "\n[[sync_group]]\nname = \"gw\"\n";
  all = test::diagnostics_of(text);
  EXPECT_NE(all.find("'gw' is already used by the sync group at line 17"), std::string::npos) << all;
}

TEST(SyncGroupHooks, MasterWaitNeedsAMasterCommandAndOnePlaceToWait) {
  std::string text = pair_with_hooks;
  // The group waits for its master command: fine alone.
  auto at = text.find("any = [");
  text.insert(at, "master_wait = \"3s\", ");
  EXPECT_EQ(test::diagnostics_of(text), "");
  EXPECT_EQ(load(text).sync_groups.at(0).notify.master_wait, std::chrono::seconds(3));
  // ... but not beside a member's own.
  std::string both = text;
  both.insert(both.find("sync_group = \"gw\"\n"), "notify = { master = [\"/bin/true\"], master_wait = \"1s\" }\n");
  EXPECT_NE(test::diagnostics_of(both).find("vrrp[web].notify.master_wait: sync group 'gw' already holds the VIPs"),
            std::string::npos)
      << test::diagnostics_of(both);
  std::string alone = pair_with_hooks;
  alone.insert(alone.find("sync_group = \"gw\"\n"), "notify = { backup = [\"/bin/true\"], master_wait = \"1s\" }\n");
  EXPECT_NE(test::diagnostics_of(alone).find("needs a master command to wait for"), std::string::npos)
      << test::diagnostics_of(alone);
  std::string long_wait = pair_with_hooks;
  long_wait.insert(long_wait.find("any = ["), "master_wait = \"61s\", ");
  EXPECT_NE(test::diagnostics_of(long_wait).find("61s is longer than 60s"), std::string::npos)
      << test::diagnostics_of(long_wait);
}

}  // namespace
}  // namespace lbd::daemon

// SPDX-License-Identifier: GPL-2.0-or-later
// RFC 5798's state machine from Initialize to an elected MASTER: startup, Master_Down, preemption.
#include "vrrp/instance.hpp"

#include <gtest/gtest.h>

#include "fsm_helpers.hpp"
#include "instance_fixture.hpp"

namespace lbd::vrrp {
namespace {

using namespace std::chrono_literals;
using std::chrono::nanoseconds;
using test::advert_from;
using test::all_of;
using test::armed;
using test::cancels;
using test::first_of;
using test::vrrp_instance;
using test::web_config;

TEST_F(vrrp_instance, StartupEntersBackupWithMasterDownInterval) {
  make(web_config());
  auto a = on(ev::startup{});
  EXPECT_EQ(inst_->current_state(), state::backup);
  auto t = armed(a, timer_kind::master_down);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->after, 360937500ns);
  EXPECT_EQ(t->at, now_ + 360937500ns);
  EXPECT_EQ(first_of<act::state_changed>(a)->to, state::backup);
  EXPECT_EQ(all_of<act::state_changed>(a).size(), 1U);
  EXPECT_FALSE(first_of<act::send_advert>(a));
  EXPECT_FALSE(first_of<act::add_vips>(a));
  EXPECT_EQ(transitions("init", "backup"), 1);
  EXPECT_EQ(reg_.value("lbd_vrrp_state", {{"vrrp_instance", "web"}}), 1);
}

TEST_F(vrrp_instance, V2StartupUsesV2Skew) {
  make(web_config(version::v2));
  EXPECT_EQ(armed(on(ev::startup{}), timer_kind::master_down)->after, 3609375000ns);
}

TEST_F(vrrp_instance, OwnerGoesStraightToMaster) {
  make(web_config(version::v3, 255));
  auto a = on(ev::startup{});
  EXPECT_EQ(inst_->current_state(), state::master);
  ASSERT_TRUE(first_of<act::add_vips>(a));
  EXPECT_TRUE(first_of<act::add_vips>(a)->accept_mode);  // the owner always accepts
  EXPECT_EQ(first_of<act::send_advert>(a)->advert.priority, 255);
  ASSERT_TRUE(first_of<act::send_garp>(a));
  EXPECT_EQ(first_of<act::send_garp>(a)->repeat, 3U);
  EXPECT_EQ(first_of<act::send_garp>(a)->second_burst, std::chrono::seconds(5));
  EXPECT_EQ(armed(a, timer_kind::advert)->after, 100ms);
  EXPECT_FALSE(armed(a, timer_kind::master_down));
  EXPECT_EQ(transitions("init", "master"), 1);
}

TEST_F(vrrp_instance, MasterDownExpiryTakesOverAndLogsOnce) {
  make(web_config());
  auto a = become_master();
  EXPECT_EQ(inst_->current_state(), state::master);
  // Order matters to the adapter: VIPs before the advert and the ARPs, the transition (notify,
  // sync groups) last, and once.
  ASSERT_GE(a.size(), 6U);
  EXPECT_TRUE(std::holds_alternative<act::state_changed>(a.back()));
  EXPECT_EQ(all_of<act::state_changed>(a).size(), 1U);
  std::size_t vips = 0;
  std::size_t garp = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::holds_alternative<act::add_vips>(a[i])) vips = i;
    if (std::holds_alternative<act::send_garp>(a[i])) garp = i;
  }
  EXPECT_LT(vips, garp);
  EXPECT_TRUE(cancels(a, timer_kind::master_down));
  auto adv = first_of<act::send_advert>(a)->advert;
  EXPECT_EQ(adv.priority, 100);
  EXPECT_EQ(adv.vrid, 51);
  EXPECT_EQ(adv.max_advert_interval, centiseconds(10));
  EXPECT_FALSE(first_of<act::add_vips>(a)->accept_mode);
  EXPECT_EQ(transitions("backup", "master"), 1);
  EXPECT_EQ(reg_.value("lbd_vrrp_state", {{"vrrp_instance", "web"}}), 2);

  std::vector<log::record> notices;
  for (const auto& r : lines_) {
    if (r.lvl == log::level::notice) notices.push_back(r);
  }
  ASSERT_EQ(notices.size(), 2U);
  EXPECT_EQ(notices[0].prefix, "vrrp[web/51]");
  EXPECT_EQ(notices[0].message, "INIT -> BACKUP (startup)");
  EXPECT_EQ(notices[1].message, "BACKUP -> MASTER (no master heard for 360.937 ms)");
}

TEST_F(vrrp_instance, AcceptModeIsReported) {
  auto c = web_config();
  c.accept_mode = true;
  make(c);
  EXPECT_TRUE(first_of<act::add_vips>(become_master())->accept_mode);
}

TEST_F(vrrp_instance, AdvertResetsMasterDownAndStaleExpiryIsIgnored) {
  make(web_config());
  auto first = *armed(on(ev::startup{}), timer_kind::master_down);
  now_ += 200ms;
  auto a = on(advert_from("10.0.0.1", 150, cfg_));
  auto second = *armed(a, timer_kind::master_down);
  EXPECT_EQ(second.at, now_ + 360937500ns);
  // The first arming fires anyway (the adapter lost the cancel race): nothing happens.
  EXPECT_TRUE(fire(first).empty());
  EXPECT_EQ(inst_->current_state(), state::backup);
  EXPECT_EQ(
      reg_.value("lbd_vrrp_events_ignored_total", {{"vrrp_instance", "web"}, {"reason", "stale_master_down_timer"}}),
      1);
  fire(second);
  EXPECT_EQ(inst_->current_state(), state::master);
}

TEST_F(vrrp_instance, EqualPriorityAdvertIsAcceptedByBackup) {
  make(web_config());
  on(ev::startup{});
  // Equal priority with a lower address: a backup never preempts on address (RFC 5798 6.4.2).
  auto a = on(advert_from("10.0.0.1", 100, cfg_));
  EXPECT_TRUE(armed(a, timer_kind::master_down));
}

TEST_F(vrrp_instance, V3BackupAdoptsMasterAdverInterval) {
  make(web_config());
  on(ev::startup{});
  auto a = on(advert_from("10.0.0.1", 200, cfg_, centiseconds(100)));
  // 3 * 1 s + (256 - 100) * 1 s / 256
  EXPECT_EQ(armed(a, timer_kind::master_down)->after, 3609375000ns);
  EXPECT_EQ(inst_->timers().master_adver_interval, 1s);
  // Priority 0 from that master: Skew_Time with the adopted interval.
  auto z = on(advert_from("10.0.0.1", 0, cfg_, centiseconds(100)));
  EXPECT_EQ(armed(z, timer_kind::master_down)->after, 609375000ns);
}

TEST_F(vrrp_instance, V2DropsAdvertWithOtherInterval) {
  make(web_config(version::v2));
  on(ev::startup{});
  auto a = on(advert_from("10.0.0.1", 200, cfg_, centiseconds(200)));
  EXPECT_TRUE(a.empty());
  EXPECT_TRUE(on(advert_from("10.0.0.1", 200, cfg_, centiseconds(200))).empty());
  EXPECT_EQ(reg_.value("lbd_vrrp_events_ignored_total", {{"vrrp_instance", "web"}, {"reason", "interval_mismatch"}}),
            2);
  std::size_t warnings = 0;
  for (const auto& r : lines_) warnings += r.lvl == log::level::warning ? 1 : 0;
  EXPECT_EQ(warnings, 1U);  // counted every time, logged once
}

TEST_F(vrrp_instance, PriorityZeroMakesBackupTakeOverAfterSkewTime) {
  make(web_config());
  on(ev::startup{});
  now_ += 50ms;
  auto a = on(advert_from("10.0.0.1", 0, cfg_));
  auto t = armed(a, timer_kind::master_down);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->after, 60937500ns);
  auto m = fire(*t);
  EXPECT_EQ(inst_->current_state(), state::master);
  EXPECT_EQ(first_of<act::state_changed>(m)->reason, "master 10.0.0.1 sent priority 0");
}

TEST_F(vrrp_instance, V2PriorityZeroSkewIsIndependentOfInterval) {
  make(web_config(version::v2));
  on(ev::startup{});
  EXPECT_EQ(armed(on(advert_from("10.0.0.1", 0, cfg_)), timer_kind::master_down)->after, 609375000ns);
}

TEST_F(vrrp_instance, PreemptingBackupIgnoresLowerPriorityMaster) {
  make(web_config());
  auto start = *armed(on(ev::startup{}), timer_kind::master_down);
  now_ += 100ms;
  EXPECT_TRUE(on(advert_from("10.0.0.1", 50, cfg_)).empty());
  fire(start);
  EXPECT_EQ(inst_->current_state(), state::master);
}

TEST_F(vrrp_instance, NonPreemptingBackupFollowsLowerPriorityMaster) {
  auto c = web_config();
  c.preempt = false;
  make(c);
  on(ev::startup{});
  now_ += 100ms;
  auto a = on(advert_from("10.0.0.1", 50, cfg_));
  ASSERT_TRUE(armed(a, timer_kind::master_down));
}

TEST_F(vrrp_instance, PreemptDelayToleratesLowerMasterUntilItExpires) {
  auto c = web_config();
  c.preempt_delay = 2s;
  make(c);
  on(ev::startup{});
  now_ += 100ms;
  auto a = on(advert_from("10.0.0.1", 50, cfg_));
  auto delay = armed(a, timer_kind::preempt_delay);
  ASSERT_TRUE(delay);
  EXPECT_EQ(delay->after, 2s);
  auto mdt = armed(a, timer_kind::master_down);
  ASSERT_TRUE(mdt);  // tolerated: the master-down timer restarts
  // Adverts keep coming during the delay: tolerated, the delay is not restarted.
  for (int i = 0; i < 5; ++i) {
    now_ += 100ms;
    auto b = on(advert_from("10.0.0.1", 50, cfg_));
    EXPECT_FALSE(armed(b, timer_kind::preempt_delay));
    mdt = armed(b, timer_kind::master_down);
    ASSERT_TRUE(mdt);
  }
  fire(*delay);
  EXPECT_EQ(inst_->current_state(), state::backup);
  // Now the lower master is ignored and Master_Down runs out.
  now_ += 50ms;
  EXPECT_TRUE(on(advert_from("10.0.0.1", 50, cfg_)).empty());
  fire(*mdt);
  EXPECT_EQ(inst_->current_state(), state::master);
}

TEST_F(vrrp_instance, PreemptDelayWindowClosesWhenAHigherMasterAppears) {
  auto c = web_config();
  c.preempt_delay = 2s;
  make(c);
  on(ev::startup{});
  auto delay = *armed(on(advert_from("10.0.0.1", 50, cfg_)), timer_kind::preempt_delay);
  auto a = on(advert_from("10.0.0.3", 200, cfg_));
  EXPECT_TRUE(cancels(a, timer_kind::preempt_delay));
  fire(delay);  // stale
  EXPECT_EQ(
      reg_.value("lbd_vrrp_events_ignored_total", {{"vrrp_instance", "web"}, {"reason", "stale_preempt_delay_timer"}}),
      1);
}

}  // namespace
}  // namespace lbd::vrrp

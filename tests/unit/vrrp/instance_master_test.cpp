// SPDX-License-Identifier: GPL-2.0-or-later
// RFC 5798's state machine as MASTER and beyond: adverts, stepping down, shutdown, fault, priority.
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

TEST_F(vrrp_instance, MasterSendsAdvertOnEveryTick) {
  make(web_config());
  auto a = become_master();
  auto tick = *armed(a, timer_kind::advert);
  for (int i = 0; i < 3; ++i) {
    auto b = fire(tick);
    ASSERT_EQ(all_of<act::send_advert>(b).size(), 1U);
    EXPECT_EQ(all_of<act::send_advert>(b)[0].advert.priority, 100);
    tick = *armed(b, timer_kind::advert);
    EXPECT_EQ(tick.after, 100ms);
  }
}

TEST_F(vrrp_instance, MasterStepsDownForHigherPriority) {
  make(web_config());
  become_master();
  auto a = on(advert_from("10.0.0.1", 200, cfg_, centiseconds(20)));
  EXPECT_EQ(inst_->current_state(), state::backup);
  EXPECT_TRUE(cancels(a, timer_kind::advert));
  EXPECT_TRUE(first_of<act::remove_vips>(a));
  // No "leaving" (priority 0) advert when outranked, but one parting advert with our priority.
  ASSERT_EQ(all_of<act::send_advert>(a).size(), 1U);
  EXPECT_EQ(first_of<act::send_advert>(a)->advert.priority, 100);
  // The new master's interval (v3): 3 * 200 ms + 156 * 200 ms / 256.
  EXPECT_EQ(armed(a, timer_kind::master_down)->after, 721875000ns);
  EXPECT_EQ(first_of<act::state_changed>(a)->reason, "higher priority advert from 10.0.0.1 (priority 200, ours 100)");
  EXPECT_EQ(transitions("master", "backup"), 1);
}

TEST_F(vrrp_instance, EqualPriorityHigherAddressWins) {
  make(web_config());  // we are 10.0.0.2
  become_master();
  auto lower = on(advert_from("10.0.0.1", 100, cfg_));
  EXPECT_EQ(inst_->current_state(), state::master);
  EXPECT_EQ(all_of<act::send_advert>(lower).size(), 1U);  // answer at once
  auto higher = on(advert_from("10.0.0.3", 100, cfg_));
  EXPECT_EQ(inst_->current_state(), state::backup);
  EXPECT_EQ(first_of<act::state_changed>(higher)->reason,
            "equal priority, higher address advert from 10.0.0.3 (priority 100, ours 100)");
}

TEST_F(vrrp_instance, Ipv6AddressComparisonIsBytewise) {
  auto c = web_config();
  c.primary_address = boost::asio::ip::make_address("fe80::2");
  c.virtual_ips = {prefix{boost::asio::ip::make_address("2001:db8::10"), 64}};
  make(c);
  become_master();
  on(advert_from("fe80::1:0", 100, cfg_));
  EXPECT_EQ(inst_->current_state(), state::backup);
}

TEST_F(vrrp_instance, MasterAnswersPriorityZeroAtOnce) {
  make(web_config());
  become_master();
  now_ += 30ms;
  auto a = on(advert_from("10.0.0.1", 0, cfg_));
  ASSERT_EQ(all_of<act::send_advert>(a).size(), 1U);
  EXPECT_EQ(armed(a, timer_kind::advert)->at, now_ + 100ms);
  EXPECT_EQ(inst_->current_state(), state::master);
}

TEST_F(vrrp_instance, ShutdownFromMasterSendsPriorityZeroAndRemovesVips) {
  make(web_config());
  become_master();
  auto a = on(ev::shutdown{});
  EXPECT_EQ(inst_->current_state(), state::init);
  ASSERT_TRUE(first_of<act::send_advert>(a));
  EXPECT_EQ(first_of<act::send_advert>(a)->advert.priority, 0);
  EXPECT_TRUE(first_of<act::remove_vips>(a));
  EXPECT_TRUE(cancels(a, timer_kind::advert));
  EXPECT_EQ(first_of<act::state_changed>(a)->to, state::init);
  EXPECT_TRUE(on(ev::shutdown{}).empty());  // idempotent
}

TEST_F(vrrp_instance, ShutdownFromBackupCancelsMasterDown) {
  make(web_config());
  on(ev::startup{});
  auto a = on(ev::shutdown{});
  EXPECT_EQ(inst_->current_state(), state::init);
  EXPECT_TRUE(cancels(a, timer_kind::master_down));
  EXPECT_FALSE(first_of<act::send_advert>(a));
}

TEST_F(vrrp_instance, FaultFromMasterReleasesAndRecoversAsBackup) {
  make(web_config());
  become_master();
  auto a = on(ev::fault_on{"interface eth1 down"});
  EXPECT_EQ(inst_->current_state(), state::fault);
  EXPECT_EQ(first_of<act::send_advert>(a)->advert.priority, 0);
  EXPECT_TRUE(first_of<act::remove_vips>(a));
  EXPECT_EQ(first_of<act::state_changed>(a)->reason, "interface eth1 down");
  EXPECT_EQ(reg_.value("lbd_vrrp_state", {{"vrrp_instance", "web"}}), 3);
  // Adverts are not processed in FAULT.
  EXPECT_TRUE(on(advert_from("10.0.0.1", 0, cfg_)).empty());
  EXPECT_TRUE(on(ev::fault_on{"again"}).empty());
  auto b = on(ev::fault_off{});
  EXPECT_EQ(inst_->current_state(), state::backup);
  EXPECT_TRUE(armed(b, timer_kind::master_down));
  EXPECT_EQ(transitions("fault", "backup"), 1);
}

TEST_F(vrrp_instance, FaultBeforeStartupStartsInFault) {
  make(web_config(version::v3, 255));
  on(ev::fault_on{"track script chk failed"});
  EXPECT_EQ(inst_->current_state(), state::init);
  auto a = on(ev::startup{});
  EXPECT_EQ(inst_->current_state(), state::fault);
  EXPECT_FALSE(first_of<act::add_vips>(a));
  on(ev::fault_off{});
  EXPECT_EQ(inst_->current_state(), state::master);  // owner
}

TEST_F(vrrp_instance, LoweredPriorityIsAdvertisedAtOnce) {
  make(web_config(version::v3, 200));
  become_master();
  auto a = on(ev::priority_changed{150});
  ASSERT_EQ(all_of<act::send_advert>(a).size(), 1U);
  EXPECT_EQ(all_of<act::send_advert>(a)[0].advert.priority, 150);
  EXPECT_EQ(inst_->priority(), 150);
  EXPECT_EQ(reg_.value("lbd_vrrp_priority", {{"vrrp_instance", "web"}}), 150);
  // A higher-priority backup now wins.
  on(advert_from("10.0.0.1", 180, cfg_));
  EXPECT_EQ(inst_->current_state(), state::backup);
}

TEST_F(vrrp_instance, PriorityChangeInBackupChangesTimers) {
  make(web_config());
  on(ev::startup{});
  EXPECT_TRUE(on(ev::priority_changed{200}).empty());
  EXPECT_EQ(inst_->timers().skew_time, 21875000ns);  // 56 * 100 ms / 256
  // The priority-0 fast path uses the new skew.
  EXPECT_EQ(armed(on(advert_from("10.0.0.1", 0, cfg_)), timer_kind::master_down)->after, 21875000ns);
  EXPECT_TRUE(on(ev::priority_changed{0}).empty());  // refused
  EXPECT_EQ(inst_->priority(), 200);
}

TEST_F(vrrp_instance, OwnAdvertIsDropped) {
  make(web_config());
  on(ev::startup{});
  EXPECT_TRUE(on(advert_from("10.0.0.2", 200, cfg_)).empty());
  EXPECT_EQ(reg_.value("lbd_vrrp_events_ignored_total", {{"vrrp_instance", "web"}, {"reason", "own_advert"}}), 1);
}

TEST_F(vrrp_instance, AddressListMismatchIsReportedButAccepted) {
  make(web_config());
  on(ev::startup{});
  auto e = advert_from("10.0.0.1", 200, cfg_);
  e.advert.addresses.push_back(boost::asio::ip::make_address("192.0.2.11"));
  EXPECT_TRUE(armed(on(e), timer_kind::master_down));
  on(e);
  EXPECT_EQ(reg_.value("lbd_vrrp_address_list_mismatch_total", {{"vrrp_instance", "web"}}), 2);
  std::size_t warnings = 0;
  for (const auto& r : lines_) warnings += r.lvl == log::level::warning ? 1 : 0;
  EXPECT_EQ(warnings, 1U);  // logged once, counted every time
}

TEST_F(vrrp_instance, AdvertBeforeStartupIsIgnored) {
  make(web_config());
  EXPECT_TRUE(on(advert_from("10.0.0.1", 200, cfg_)).empty());
  EXPECT_TRUE(on(ev::master_down_timer_expired{}).empty());
  EXPECT_EQ(inst_->current_state(), state::init);
}

TEST_F(vrrp_instance, SyncGroupForcing) {
  make(web_config());
  on(ev::startup{});
  auto a = on(ev::force_master{"sync group g: db became MASTER"});
  EXPECT_EQ(inst_->current_state(), state::master);
  EXPECT_TRUE(first_of<act::add_vips>(a));
  auto b = on(ev::force_backup{"sync group g: db became BACKUP"});
  EXPECT_EQ(inst_->current_state(), state::backup);
  EXPECT_EQ(armed(b, timer_kind::master_down)->after, 360937500ns);
}

TEST_F(vrrp_instance, V2AdvertCarriesAuthAndWholeSeconds) {
  auto c = web_config(version::v2);
  c.auth = v2_auth::simple_password("pw");
  make(c);
  auto adv = first_of<act::send_advert>(become_master())->advert;
  EXPECT_EQ(adv.version, version::v2);
  EXPECT_EQ(adv.max_advert_interval, centiseconds(100));
  EXPECT_EQ(adv.auth, v2_auth::simple_password("pw"));
}

TEST_F(vrrp_instance, MasterAddressIsTheLastSenderOrOurselves) {
  auto c = web_config();
  make(c);
  EXPECT_FALSE(inst_->master_address());  // INIT
  on(ev::startup{});
  EXPECT_FALSE(inst_->master_address());  // BACKUP, nothing heard yet
  on(advert_from("10.0.0.9", 150, c));
  EXPECT_EQ(inst_->master_address(), boost::asio::ip::make_address("10.0.0.9"));
  auto leaving = on(advert_from("10.0.0.9", 0, c));  // still the last master seen
  EXPECT_EQ(inst_->master_address(), boost::asio::ip::make_address("10.0.0.9"));
  fire(*armed(leaving, timer_kind::master_down));
  ASSERT_EQ(inst_->current_state(), state::master);
  EXPECT_EQ(inst_->master_address(), c.primary_address);
  on(advert_from("10.0.0.7", 200, c));  // outranked
  ASSERT_EQ(inst_->current_state(), state::backup);
  EXPECT_EQ(inst_->master_address(), boost::asio::ip::make_address("10.0.0.7"));
  on(ev::fault_on{"tracked interface eth1 down"});
  EXPECT_FALSE(inst_->master_address());
  EXPECT_EQ(inst_->fault_reason(), "tracked interface eth1 down");
}

}  // namespace
}  // namespace lbd::vrrp

// SPDX-License-Identifier: GPL-2.0-or-later
// The saved VRRP state (codec) and the decision whether a restarted lbd resumes MASTER.
#include <gtest/gtest.h>

#include "fsm_helpers.hpp"
#include "vrrp/resume.hpp"

namespace lbd::vrrp {
namespace {

using namespace std::chrono_literals;

const time_point t0 = time_point(1000s);

saved_state master_state(const instance_config& c, time_point last_advert) {
  saved_state s;
  s.instance = c.name;
  s.identity = identity_of(c);
  s.role = state::master;
  s.last_advert = last_advert;
  s.advert_interval = c.advert_interval;
  s.interface = c.interface;
  s.vips = c.virtual_ips;
  return s;
}

TEST(SavedState, RoundTrips) {
  auto c = test::web_config();
  c.virtual_ips.push_back(prefix{boost::asio::ip::make_address("2001:db8::10"), 64});
  const saved_state s = master_state(c, t0 + 123456789ns);
  const std::string text = encode(s);
  auto back = parse_saved_state(text);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(*back, s);
  EXPECT_NE(text.find("role MASTER\n"), std::string::npos);
  EXPECT_NE(text.find("vip 2001:db8::10/64\n"), std::string::npos);
}

TEST(SavedState, NoVipsIsValid) {
  auto s = master_state(test::web_config(), t0);
  s.role = state::backup;
  s.vips.clear();
  auto back = parse_saved_state(encode(s));
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(*back, s);
}

TEST(SavedState, RejectsGarbage) {
  const std::string good = encode(master_state(test::web_config(), t0));
  auto rejects = [](const std::string& text) { return !parse_saved_state(text); };
  EXPECT_TRUE(rejects(""));
  EXPECT_TRUE(rejects("\n"));
  EXPECT_TRUE(rejects(std::string(1, '\0')));
  EXPECT_TRUE(rejects(good.substr(0, good.size() - 1)));    // torn write: no final newline
  EXPECT_TRUE(rejects(good.substr(0, good.find("role"))));  // truncated at a line boundary
  EXPECT_TRUE(rejects("lbd-vrrp-state 2\n" + good.substr(good.find('\n') + 1)));
  EXPECT_TRUE(rejects(good + "role MASTER\n"));         // repeated key
  EXPECT_TRUE(rejects(good + "colour blue\n"));         // unknown key
  EXPECT_TRUE(rejects(good + "vip 192.0.2.300/24\n"));  // bad address
  EXPECT_TRUE(rejects(good + "vip\n"));                 // no value
  EXPECT_TRUE(rejects(good + "\n"));                    // empty line
  auto replace = [&](std::string_view from, std::string_view to) {
    std::string t = good;
    t.replace(t.find(from), from.size(), to);
    return t;
  };
  EXPECT_TRUE(rejects(replace("role MASTER", "role master")));
  EXPECT_TRUE(rejects(replace("last_advert_ns 1", "last_advert_ns -1")));
  EXPECT_TRUE(rejects(replace("last_advert_ns 1", "last_advert_ns x1")));
  EXPECT_TRUE(rejects(replace("advert_interval_cs 10", "advert_interval_cs 0")));
  EXPECT_TRUE(rejects(replace("identity ", "identity 0")));
  EXPECT_TRUE(rejects(replace("interface eth0", "interface eth0 eth1")));
  EXPECT_TRUE(rejects(std::string(saved_state_max_bytes + 1, '\n')));
}

TEST(Identity, ChangesWithWhatDecidesTheProtocol) {
  const auto c = test::web_config();
  const auto id = identity_of(c);
  EXPECT_EQ(identity_of(c), id);
  auto other = c;
  other.priority = 101;
  EXPECT_NE(identity_of(other), id);
  other = c;
  other.virtual_ips.push_back(prefix{boost::asio::ip::make_address("192.0.2.11"), 24});
  EXPECT_NE(identity_of(other), id);
  other = c;
  other.vrid = 52;
  EXPECT_NE(identity_of(other), id);
  other = c;
  other.interface = "eth1";
  EXPECT_NE(identity_of(other), id);
  other = c;
  other.advert_interval = centiseconds(20);
  EXPECT_NE(identity_of(other), id);
  // Order of the VIPs does not make another router.
  auto a = c;
  auto b = c;
  a.virtual_ips.push_back(prefix{boost::asio::ip::make_address("192.0.2.11"), 24});
  b.virtual_ips.insert(b.virtual_ips.begin(), prefix{boost::asio::ip::make_address("192.0.2.11"), 24});
  EXPECT_EQ(identity_of(a), identity_of(b));
  // Notify commands and tracking are not part of it.
  other = c;
  other.garp.repeat = 9;
  EXPECT_EQ(identity_of(other), id);
}

TEST(Resume, WithinTheWindowResumesMaster) {
  const auto c = test::web_config();  // v3, 10 cs: window 300 ms
  EXPECT_EQ(resume_window(c.advert_interval), 300ms);
  const auto s = master_state(c, t0);
  EXPECT_TRUE(decide_resume(s, c, t0).resume_master);
  auto d = decide_resume(s, c, t0 + 299ms);
  EXPECT_TRUE(d.resume_master) << d.reason;
}

TEST(Resume, AfterTheWindowInitializes) {
  const auto c = test::web_config();
  const auto s = master_state(c, t0);
  EXPECT_FALSE(decide_resume(s, c, t0 + 300ms).resume_master);
  auto d = decide_resume(s, c, t0 + 5s);
  EXPECT_FALSE(d.resume_master);
  EXPECT_NE(d.reason.find("5000 ms ago"), std::string::npos) << d.reason;
}

TEST(Resume, V2WindowIsThreeSecondsAtOneSecondInterval) {
  const auto c = test::web_config(version::v2);
  const auto s = master_state(c, t0);
  EXPECT_TRUE(decide_resume(s, c, t0 + 2900ms).resume_master);
  EXPECT_FALSE(decide_resume(s, c, t0 + 3s).resume_master);
}

TEST(Resume, OnlyAMasterResumes) {
  const auto c = test::web_config();
  for (state r : {state::init, state::backup, state::fault}) {
    auto s = master_state(c, t0);
    s.role = r;
    EXPECT_FALSE(decide_resume(s, c, t0 + 10ms).resume_master) << to_string(r);
  }
}

TEST(Resume, AChangedConfigurationInitializes) {
  const auto c = test::web_config();
  const auto s = master_state(c, t0);
  auto changed = c;
  changed.priority = 90;
  auto d = decide_resume(s, changed, t0 + 10ms);
  EXPECT_FALSE(d.resume_master);
  EXPECT_EQ(d.reason, "configuration changed since");
  changed = c;
  changed.virtual_ips.clear();
  EXPECT_FALSE(decide_resume(s, changed, t0 + 10ms).resume_master);
  changed = c;
  changed.name = "db";
  EXPECT_FALSE(decide_resume(s, changed, t0 + 10ms).resume_master);
}

TEST(Resume, AnAdvertInTheFutureInitializes) {
  const auto c = test::web_config();
  EXPECT_FALSE(decide_resume(master_state(c, t0 + 1s), c, t0).resume_master);
}

}  // namespace
}  // namespace lbd::vrrp

namespace lbd::vrrp {
namespace {

using namespace std::chrono_literals;

// The state machine's side: a resumed startup is MASTER at once, with VIPs, advert and ARPs, and
// never a removal of the VIPs.
TEST(ResumeStartup, EntersMasterAtOnce) {
  metrics::registry reg;
  instance inst(test::web_config(), reg);
  const time_point now(1000s);
  auto a = inst.on_event(ev::startup{true, "restart 40 ms after its last advert"}, now);
  EXPECT_EQ(inst.current_state(), state::master);
  ASSERT_TRUE(test::first_of<act::add_vips>(a));
  EXPECT_TRUE(test::first_of<act::send_advert>(a));
  EXPECT_TRUE(test::first_of<act::send_garp>(a));
  EXPECT_FALSE(test::first_of<act::remove_vips>(a));
  auto changed = test::first_of<act::state_changed>(a);
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->from, state::init);
  EXPECT_EQ(changed->reason, "resumed: restart 40 ms after its last advert");
  EXPECT_TRUE(test::armed(a, timer_kind::advert));
  EXPECT_FALSE(test::armed(a, timer_kind::master_down));
}

TEST(ResumeStartup, AFaultStillWins) {
  metrics::registry reg;
  instance inst(test::web_config(), reg);
  const time_point now(1000s);
  inst.on_event(ev::fault_on{"eth0 down"}, now);
  auto a = inst.on_event(ev::startup{true, "quick restart"}, now);
  EXPECT_EQ(inst.current_state(), state::fault);
  EXPECT_FALSE(test::first_of<act::add_vips>(a));
  EXPECT_TRUE(test::first_of<act::remove_vips>(a));  // the VIPs the resumed start kept
}

TEST(ResumeStartup, WithoutResumeItIsBackup) {
  metrics::registry reg;
  instance inst(test::web_config(), reg);
  inst.on_event(ev::startup{}, time_point(1000s));
  EXPECT_EQ(inst.current_state(), state::backup);
}

}  // namespace
}  // namespace lbd::vrrp

namespace lbd::vrrp {
namespace {

using namespace std::chrono_literals;

saved_state crashed_master(centiseconds interval, time_point last_advert) {
  saved_state s;
  s.instance = "web";
  s.role = state::master;
  s.last_advert = last_advert;
  s.advert_interval = interval;
  s.interface = "eth0";
  return s;
}

TEST(ReleaseHold, KeepsTheVipsUntilShortlyBeforeTheWindowEnds) {
  // 1 s adverts: window 3 s; the VIPs may stay until 2.5 s after the last advert, in whole seconds.
  EXPECT_EQ(release_hold(crashed_master(centiseconds(100), t0), t0 + 100ms), 2s);
  EXPECT_EQ(release_hold(crashed_master(centiseconds(100), t0), t0 + 600ms), 1s);
  EXPECT_EQ(release_hold(crashed_master(centiseconds(100), t0), t0 + 1600ms), std::nullopt);
  // 8 s adverts: window 24 s.
  EXPECT_EQ(release_hold(crashed_master(centiseconds(800), t0), t0 + 5s), 18s);
}

TEST(ReleaseHold, RemovesAtOnceWhenLessThanASecondIsLeft) {
  // 100 ms adverts: a window of 300 ms never leaves a whole second.
  EXPECT_EQ(release_hold(crashed_master(centiseconds(10), t0), t0), std::nullopt);
  EXPECT_EQ(release_hold(crashed_master(centiseconds(100), t0), t0 + 10s), std::nullopt);
  EXPECT_EQ(release_hold(crashed_master(centiseconds(100), t0 + 1s), t0), std::nullopt);  // from the future
}

TEST(ReleaseHold, OnlyAMasterHolds) {
  auto s = crashed_master(centiseconds(800), t0);
  s.role = state::backup;
  EXPECT_EQ(release_hold(s, t0 + 1s), std::nullopt);
}

}  // namespace
}  // namespace lbd::vrrp

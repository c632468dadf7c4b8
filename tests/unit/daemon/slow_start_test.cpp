// SPDX-License-Identifier: GPL-2.0-or-later
// Slow start's pure part: the share a ramp gives second by second, and which returns ramp (after
// a failure, an addition by reload, an adopted table) and which do not (a cold start).
#include "daemon/services/slow_start.hpp"

#include <gtest/gtest.h>

#include "config/load.hpp"
#include "daemon/services/desired_table.hpp"

namespace lbd::daemon {
namespace {

using namespace std::chrono_literals;
using healthcheck::time_point;

config::config load(const std::string& servers, const std::string& window = "10s") {
  auto r = config::load_string(R"([[virtual_server]]
name = "web"
address = "192.0.2.10:80"
slow_start = ")" + window + "\"\n" +
                                   servers,
                               "test.conf");
  return r.cfg.value();
}

const std::string two = R"([[virtual_server.real_server]]
address = "10.0.1.11:80"
weight = 100
[[virtual_server.real_server]]
address = "10.0.1.12:80"
weight = 100
)";

endpoint endpoint_of(const char* s) { return parse_endpoint(s).value(); }

// The desired table with the servers of `cfg` that serve (all but those in `out`).
ipvs::desired_state want(const config::config& cfg, const std::set<std::string>& out = {}) {
  ipvs::desired_state d;
  for (const auto& vs : cfg.virtual_servers) {
    auto& svc = d.services[service_key_of(vs)];
    for (const auto& rs : vs.real_servers) {
      if (out.count(to_string(rs.address)) != 0) continue;
      svc.dests[dest_key_of(rs.address)].attrs.weight = rs.weight;
    }
  }
  return d;
}

std::uint32_t weight_of(const ipvs::desired_state& d, const char* server) {
  return d.services.begin()->second.dests.at(dest_key_of(endpoint_of(server))).attrs.weight;
}

std::vector<ramp_event::kind> kinds(const std::vector<ramp_event>& events) {
  std::vector<ramp_event::kind> out;
  for (const auto& e : events) out.push_back(e.what);
  return out;
}

const time_point t0{};

TEST(slow_start, TheShareClimbsFromATenthOnceASecond) {
  const ramp r{t0, 10s};
  EXPECT_EQ(ramp_permille(r, t0), 100U);
  EXPECT_EQ(ramp_permille(r, t0 + 999ms), 100U);
  EXPECT_EQ(ramp_permille(r, t0 + 1s), 190U);
  EXPECT_EQ(ramp_permille(r, t0 + 9s + 999ms), 910U);
  EXPECT_EQ(ramp_permille(r, t0 + 10s), 1000U);
  EXPECT_EQ(ramp_permille(ramp{t0, 2500ms}, t0 + 2s), 100U + 900U * 2 / 3);  // 3 steps, the last short
  EXPECT_EQ(ramped_weight(100, 190), 19U);
  EXPECT_EQ(ramped_weight(3, 100), 1U);  // never 0 while serving: that would drain it
  EXPECT_EQ(ramped_weight(0, 500), 0U);
  EXPECT_EQ(ramped_weight(100, 1000), 100U);
}

TEST(slow_start, ACheckThatFailsAndPassesAgainRampsButAColdStartDoesNot) {
  const auto cfg = load(two);
  slow_starts s;
  // Cold start: the kernel had no such service; the second server passes its first check later.
  EXPECT_TRUE(s.observe(cfg, want(cfg, {"10.0.1.12:80"}), {}, t0).empty());
  EXPECT_TRUE(s.observe(cfg, want(cfg), {}, t0 + 1s).empty());
  EXPECT_FALSE(s.next_step(t0 + 1s));
  // It fails, then passes again: a ramp from 10%.
  EXPECT_TRUE(s.observe(cfg, want(cfg, {"10.0.1.12:80"}), {}, t0 + 2s).empty());
  auto d = want(cfg);
  EXPECT_EQ(kinds(s.observe(cfg, d, {}, t0 + 3s)), std::vector{ramp_event::kind::started});
  s.scale(cfg, d, t0 + 3s);
  EXPECT_EQ(weight_of(d, "10.0.1.12:80"), 10U);
  EXPECT_EQ(weight_of(d, "10.0.1.11:80"), 100U);
  EXPECT_EQ(s.next_step(t0 + 3s), t0 + 4s);
  EXPECT_EQ(s.next_step(t0 + 7s + 500ms), t0 + 8s);
  d = want(cfg);
  EXPECT_TRUE(s.observe(cfg, d, {}, t0 + 8s).empty());
  s.scale(cfg, d, t0 + 8s);
  EXPECT_EQ(weight_of(d, "10.0.1.12:80"), 55U);
  EXPECT_EQ(kinds(s.observe(cfg, want(cfg), {}, t0 + 13s)), std::vector{ramp_event::kind::finished});
  EXPECT_FALSE(s.next_step(t0 + 13s));
}

TEST(slow_start, AServerOutOfAnAdoptedServiceRampsOnItsReturn) {
  const auto cfg = load(two);
  slow_starts s;
  EXPECT_TRUE(s.observe(cfg, want(cfg, {"10.0.1.12:80"}), {"web"}, t0).empty());
  EXPECT_EQ(kinds(s.observe(cfg, want(cfg), {"web"}, t0 + 1s)), std::vector{ramp_event::kind::started});
}

TEST(slow_start, AReloadAddsARampingServerKeepsARampAndDropsOneThatLeft) {
  const auto one = load(two.substr(0, two.find("[[virtual_server.real_server]]", 10)));
  const auto cfg = load(two);
  slow_starts s;
  EXPECT_TRUE(s.observe(one, want(one), {}, t0).empty());
  // Added by a reload: ramps, even serving at once.
  EXPECT_EQ(kinds(s.observe(cfg, want(cfg), {}, t0 + 1s)), std::vector{ramp_event::kind::started});
  // A reload with a longer window keeps the start: 4 of 20 s done.
  const auto longer = load(two, "20s");
  auto d = want(longer);
  EXPECT_TRUE(s.observe(longer, d, {}, t0 + 5s).empty());
  s.scale(longer, d, t0 + 5s);
  EXPECT_EQ(weight_of(d, "10.0.1.12:80"), 28U);  // 100 + 900 * 4 / 20 = 280 permille
  // The server leaves the config: its ramp goes with it, no event.
  EXPECT_TRUE(s.observe(one, want(one), {}, t0 + 6s).empty());
  EXPECT_TRUE(s.ramps().empty());
}

TEST(slow_start, LeavingServiceOrTurningSlowStartOffCutsTheRampShort) {
  const auto cfg = load(two);
  slow_starts s;
  s.observe(cfg, want(cfg), {}, t0);
  s.observe(cfg, want(cfg, {"10.0.1.11:80"}), {}, t0 + 1s);
  EXPECT_EQ(kinds(s.observe(cfg, want(cfg), {}, t0 + 2s)), std::vector{ramp_event::kind::started});
  EXPECT_EQ(kinds(s.observe(cfg, want(cfg, {"10.0.1.11:80"}), {}, t0 + 3s)), std::vector{ramp_event::kind::cancelled});
  EXPECT_EQ(kinds(s.observe(cfg, want(cfg), {}, t0 + 4s)), std::vector{ramp_event::kind::started});
  const auto off = load(two, "0s");
  auto d = want(off);
  EXPECT_EQ(kinds(s.observe(off, d, {}, t0 + 5s)), std::vector{ramp_event::kind::cancelled});
  s.scale(off, d, t0 + 5s);
  EXPECT_EQ(weight_of(d, "10.0.1.11:80"), 100U);
  // Without a window, a return is at full weight at once.
  s.observe(off, want(off, {"10.0.1.11:80"}), {}, t0 + 6s);
  EXPECT_TRUE(s.observe(off, want(off), {}, t0 + 7s).empty());
}

TEST(slow_start, WithoutAWindowNoServerIsTrackedAndAReloadThatSetsOneStartsFromWhatServes) {
  const auto off = load(two, "0s");
  slow_starts s;
  EXPECT_TRUE(s.observe(off, want(off), {}, t0).empty());
  EXPECT_TRUE(s.observe(off, want(off, {"10.0.1.12:80"}), {}, t0 + 1s).empty());
  EXPECT_EQ(s.servers_seen(), 0U);
  // A reload sets a window while .12 is out: .11, serving, keeps its full weight; .12 ramps when
  // it returns, as a server that failed under a window does.
  const auto on = load(two);
  EXPECT_TRUE(s.observe(on, want(on, {"10.0.1.12:80"}), {}, t0 + 2s).empty());
  EXPECT_EQ(s.servers_seen(), 2U);
  EXPECT_EQ(kinds(s.observe(on, want(on), {}, t0 + 3s)), std::vector{ramp_event::kind::started});
  EXPECT_EQ(s.ramps().size(), 1U);
  EXPECT_NE(s.find(server_ref{"web", endpoint_of("10.0.1.12:80")}), nullptr);
  // Windows off again while it ramps: the ramp is cut short first, then nothing is kept.
  EXPECT_EQ(kinds(s.observe(off, want(off), {}, t0 + 4s)), std::vector{ramp_event::kind::cancelled});
  EXPECT_TRUE(s.observe(off, want(off), {}, t0 + 5s).empty());
  EXPECT_EQ(s.servers_seen(), 0U);
}

TEST(slow_start, ARestoredRampGoesOnForAServerServingAtStart) {
  const auto cfg = load(two);
  slow_starts s;
  s.restore({{server_ref{"web", endpoint_of("10.0.1.11:80")}, ramp{t0, 10s}}});
  auto d = want(cfg);
  EXPECT_TRUE(s.observe(cfg, d, {"web"}, t0 + 4s).empty());
  s.scale(cfg, d, t0 + 4s);
  EXPECT_EQ(weight_of(d, "10.0.1.11:80"), 46U);
  // One not serving yet when lbd comes back (a table removed on exit) goes on once it returns...
  slow_starts other;
  other.restore({{server_ref{"web", endpoint_of("10.0.1.11:80")}, ramp{t0, 10s}}});
  EXPECT_TRUE(other.observe(cfg, want(cfg, {"10.0.1.11:80"}), {}, t0 + 4s).empty());
  EXPECT_TRUE(other.ramps().empty());
  d = want(cfg);
  EXPECT_TRUE(other.observe(cfg, d, {}, t0 + 6s).empty());
  other.scale(cfg, d, t0 + 6s);
  EXPECT_EQ(weight_of(d, "10.0.1.11:80"), 64U);
  // ... unless its ramp would have ended by then.
  slow_starts late;
  late.restore({{server_ref{"web", endpoint_of("10.0.1.11:80")}, ramp{t0, 10s}}});
  EXPECT_TRUE(late.observe(cfg, want(cfg, {"10.0.1.11:80"}), {}, t0 + 4s).empty());
  d = want(cfg);
  EXPECT_TRUE(late.observe(cfg, d, {}, t0 + 11s).empty());
  late.scale(cfg, d, t0 + 11s);
  EXPECT_EQ(weight_of(d, "10.0.1.11:80"), 100U);
}

TEST(slow_start, TheConfigSaysWhereAndHowLong) {
  const auto cfg = load(two + "slow_start = \"0s\"\n");
  EXPECT_EQ(cfg.virtual_servers[0].slow_start, 10s);
  EXPECT_EQ(cfg.virtual_servers[0].real_servers[0].slow_start, 10s);
  EXPECT_EQ(cfg.virtual_servers[0].real_servers[1].slow_start, 0s);
  for (const char* bad : {"500ms", "25h"}) {
    auto r = config::load_string(
        "[[virtual_server]]\nname = \"web\"\naddress = \"192.0.2.10:80\"\nslow_start = \"" + std::string(bad) + "\"\n",
        "bad.conf");
    ASSERT_FALSE(r.ok()) << bad;
    std::string errors;
    for (const auto& d : r.diagnostics) {
      if (d.level == config::severity::error) errors += config::format(d) + "\n";
    }
    EXPECT_NE(errors.find("bad.conf:4:14: error: virtual_server[web].slow_start: "), std::string::npos) << errors;
  }
}

}  // namespace
}  // namespace lbd::daemon

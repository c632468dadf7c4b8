// SPDX-License-Identifier: GPL-2.0-or-later
// Dedup registry and check sessions over a fake prober, on fake time: the clock moves only when a
// test advances it, so timing is asserted exactly and no test waits for real time.
#include "healthcheck/registry.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <deque>
#include <set>
#include <string>
#include <vector>

#include "healthcheck/fake_time.hpp"

namespace lbd::healthcheck {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

// Answers probes from a script of outcomes (true/false); with the script empty it never answers.
class fake_prober final : public prober {
 public:
  fake_prober(asio::io_context& io, const time_source& time) : io_(io), time_(time) {}
  void async_probe(const endpoint& target, const check_params&, duration, probe_handler h) override {
    ++calls;
    started.push_back(time_.now());
    ++in_flight;
    max_in_flight = std::max(max_in_flight, in_flight);
    targets.push_back(target);
    if (outcomes.empty()) {
      held.push_back(std::move(h));
      return;
    }
    const bool ok = outcomes.front();
    outcomes.pop_front();
    asio::post(io_, [this, ok, h = std::move(h)] {
      --in_flight;
      h(ok ? probe_ok("fake ok", milliseconds(1)) : probe_fail("status", "fake failure", milliseconds(1)));
    });
  }
  asio::io_context& io_;
  const time_source& time_;
  std::vector<time_point> started;  // when each probe started, on the fake clock
  std::deque<bool> outcomes;
  std::vector<probe_handler> held;
  std::vector<endpoint> targets;
  int calls = 0;
  int in_flight = 0;
  int max_in_flight = 0;
};

check_spec spec(const char* target, unsigned rise = 1, unsigned fall = 1) {
  check_spec s;
  s.target = parse_endpoint(target).value();
  s.params = tcp_params{};
  s.timing.interval = milliseconds(5);
  s.timing.timeout = milliseconds(20);
  s.timing.timeout_grace = milliseconds(5);
  s.thresholds = {rise, fall, health::down};
  return s;
}

// Advances the fake clock a millisecond at a time until `pred` holds, for at most `limit` of fake time.
template <typename Pred>
bool run_until(fake_time& time, Pred pred, duration limit = std::chrono::seconds(1)) {
  for (duration spent{}; !pred(); spent += milliseconds(1)) {
    if (spent >= limit) return false;
    time.advance(milliseconds(1));
  }
  return true;
}

struct registry_test : ::testing::Test {
  asio::io_context io;
  fake_time time{io};
  fake_prober fake{io, time};
  metrics::registry m;
  registry reg{io.get_executor(), fake, m, time};
};

TEST_F(registry_test, IdenticalChecksRunOnceAndFeedEverySubscriber) {
  int a_events = 0;
  int b_events = 0;
  fake.outcomes = {true, true, true};
  auto a = reg.subscribe(spec("127.0.0.1:80"), [&](const check_event&) { ++a_events; });
  auto b = reg.subscribe(spec("127.0.0.1:80"), [&](const check_event&) { ++b_events; });
  EXPECT_EQ(reg.running_checks(), 1U);
  EXPECT_EQ(reg.subscribers(a.key()), 2U);
  EXPECT_EQ(m.value("lbd_checks_running"), 1.0);
  ASSERT_TRUE(run_until(time, [&] { return a_events >= 3; }));
  EXPECT_EQ(a_events, b_events);
  EXPECT_EQ(fake.calls, 3);  // not 6
  EXPECT_EQ(a.state().current, status::up);
  EXPECT_EQ(&a.state(), &b.state());
}

TEST_F(registry_test, DifferentParametersAreDifferentChecks) {
  auto a = reg.subscribe(spec("127.0.0.1:80"), [](const check_event&) {});
  auto b = reg.subscribe(spec("127.0.0.1:81"), [](const check_event&) {});
  auto c = reg.subscribe(spec("127.0.0.1:80", 3), [](const check_event&) {});
  EXPECT_EQ(reg.running_checks(), 3U);
}

TEST_F(registry_test, LastUnsubscribeStopsTheCheck) {
  auto a = reg.subscribe(spec("127.0.0.1:80"), [](const check_event&) {});
  auto b = reg.subscribe(spec("127.0.0.1:80"), [](const check_event&) {});
  const std::string key = a.key();
  a.reset();
  EXPECT_EQ(reg.running_checks(), 1U);
  EXPECT_EQ(reg.subscribers(key), 1U);
  {
    auto moved = std::move(b);
    EXPECT_EQ(reg.subscribers(key), 1U);
  }
  EXPECT_EQ(reg.running_checks(), 0U);
  EXPECT_EQ(reg.find(key), nullptr);
  EXPECT_EQ(m.value("lbd_checks_running"), 0.0);
  // A stopped check does not probe any more.
  const int calls = fake.calls;
  time.advance(std::chrono::seconds(1));
  EXPECT_EQ(fake.calls, calls);
  EXPECT_EQ(time.pending_waits(), 0U);
}

TEST_F(registry_test, SubscriberMayUnsubscribeWhileBeingNotified) {
  fake.outcomes = {true, true, true, true};
  registry::subscription a;
  int a_events = 0;
  int b_events = 0;
  a = reg.subscribe(spec("127.0.0.1:80"), [&](const check_event&) {
    ++a_events;
    a.reset();
  });
  auto b = reg.subscribe(spec("127.0.0.1:80"), [&](const check_event&) { ++b_events; });
  ASSERT_TRUE(run_until(time, [&] { return b_events >= 2; }));
  EXPECT_EQ(a_events, 1);
  EXPECT_EQ(reg.running_checks(), 1U);
}

TEST_F(registry_test, RiseFallTransitionsAreCountedAndTheStateIsQueryable) {
  fake.outcomes = {true, true, false, true, false, false, true};
  std::vector<transition> changes;
  std::vector<status> statuses;
  auto a = reg.subscribe(spec("127.0.0.1:80", 2, 2), [&](const check_event& e) {
    changes.push_back(e.change);
    statuses.push_back(e.state.current);
  });
  EXPECT_EQ(a.state().current, status::pending);
  ASSERT_TRUE(run_until(time, [&] { return changes.size() >= 7; }));
  EXPECT_EQ(changes, (std::vector<transition>{transition::pending, transition::changed, transition::pending,
                                              transition::unchanged, transition::pending, transition::changed,
                                              transition::pending}));
  EXPECT_EQ(statuses, (std::vector<status>{status::down, status::up, status::up, status::up, status::up, status::down,
                                           status::down}));
  const auto& st = a.state();
  EXPECT_EQ(st.probes, 7U);
  EXPECT_EQ(st.consecutive_ok, 1U);
  EXPECT_TRUE(st.last_change.has_value());
  ASSERT_TRUE(st.last.has_value());
  EXPECT_EQ(st.last->reason, "fake ok");
  EXPECT_EQ(m.value("lbd_check_transitions_total", {{"type", "tcp"}, {"to", "up"}}), 1.0);
  EXPECT_EQ(m.value("lbd_check_transitions_total", {{"type", "tcp"}, {"to", "down"}}), 2.0);  // pending->down too
  EXPECT_EQ(m.value("lbd_check_results_total", {{"type", "tcp"}, {"result", "ok"}}), 4.0);
  EXPECT_EQ(m.value("lbd_check_results_total", {{"type", "tcp"}, {"result", "status"}}), 3.0);
  EXPECT_EQ(fake.max_in_flight, 1);
}

TEST_F(registry_test, TransitionsAreLoggedOnceAtNotice) {
  std::vector<log::record> lines;
  log::set_sink([&](const log::record& r) { lines.push_back(r); });
  fake.outcomes = {false, false, true, true, true};
  int events = 0;
  auto a = reg.subscribe(spec("127.0.0.1:80", 2, 1), [&](const check_event&) { ++events; });
  ASSERT_TRUE(run_until(time, [&] { return events >= 5; }));
  log::reset_sink();
  std::vector<std::string> notices;
  for (const auto& l : lines) {
    if (l.lvl == log::level::notice) {
      EXPECT_EQ(l.prefix, "check[tcp 127.0.0.1:80]");
      notices.push_back(l.message);
    }
  }
  EXPECT_EQ(notices, (std::vector<std::string>{"pending -> down (fake failure)", "down -> up (fake ok)"}));
}

TEST_F(registry_test, FirstSuccessShortOfRiseSaysWhyTheServerIsStillDown) {
  std::vector<std::string> notices;
  log::set_sink([&](const log::record& r) {
    if (r.lvl == log::level::notice) notices.push_back(r.message);
  });
  fake.outcomes = {true, true};
  int events = 0;
  auto a = reg.subscribe(spec("127.0.0.1:80", 2, 1), [&](const check_event&) { ++events; });
  ASSERT_TRUE(run_until(time, [&] { return events >= 2; }));
  log::reset_sink();
  EXPECT_EQ(notices,
            (std::vector<std::string>{"pending -> down (fake ok; 1 of 2 successes needed)", "down -> up (fake ok)"}));
}

TEST_F(registry_test, StartGridFollowsTheRateOfAllChecks) {
  // 10,000 checks a second start on a 10 ms grid (about a hundred per wake-up); when 9,000 of
  // them go, the others move to 100 ms. Nothing runs: the io_context is never run here.
  const auto grids = [this] {
    std::set<duration> g;
    reg.for_each([&](const check_spec& s, const server_state&) { g.insert(s.timing.start_grid); });
    return g;
  };
  std::vector<registry::subscription> subs;
  for (int i = 0; i < 10000; ++i) {
    auto s = spec(("10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1) + ":80").c_str());
    s.timing.interval = std::chrono::seconds(1);
    subs.push_back(reg.subscribe(s, [](const check_event&) {}));
  }
  EXPECT_EQ(grids(), std::set<duration>{milliseconds(10)});
  subs.resize(1000);
  EXPECT_EQ(grids(), std::set<duration>{milliseconds(100)});
}

TEST_F(registry_test, ProberThatNeverAnswersTimesOutAndNoSecondProbeStartsMeanwhile) {
  std::vector<std::string> reasons;
  auto a = reg.subscribe(spec("127.0.0.1:80"), [&](const check_event& e) { reasons.push_back(e.state.last->reason); });
  ASSERT_TRUE(run_until(time, [&] { return reasons.size() >= 2; }));
  EXPECT_EQ(reasons[0], "no result within 20ms");
  EXPECT_EQ(a.state().current, status::down);
  // Each probe was given up before the next started: exactly one call per timeout so far.
  EXPECT_LE(fake.calls, static_cast<int>(reasons.size()) + 1);
  // A late answer from the first probe is ignored.
  const auto probes = a.state().probes;
  fake.held.front()(probe_ok("late", milliseconds(100)));
  EXPECT_EQ(a.state().probes, probes);
}

TEST_F(registry_test, TimeoutThenSuccessAtTheScheduledTimes) {
  // The first probe never answers: it fails at timeout + grace (25 ms) after its start, on the
  // next point of the start grid (10 ms for one check of 100 ms); the next
  // starts on the next interval point after that, answers, and the check is up.
  auto s = spec("127.0.0.1:80");
  s.timing.interval = milliseconds(100);
  std::vector<std::pair<time_point, std::string>> events;
  auto a = reg.subscribe(s, [&](const check_event& e) { events.emplace_back(time.now(), e.state.last->reason); });
  ASSERT_TRUE(run_until(time, [&] { return fake.calls == 1; }));
  const time_point first = fake.started[0];
  fake.outcomes = {true};
  ASSERT_TRUE(run_until(time, [&] { return events.size() == 2; }));
  EXPECT_EQ(events[0].first - first, milliseconds(30));
  EXPECT_EQ(events[0].second, "no result within 20ms");
  ASSERT_EQ(fake.started.size(), 2U);
  EXPECT_EQ(fake.started[1] - first, milliseconds(100));
  EXPECT_EQ(events[1].first, fake.started[1]);  // the fake prober answers at once
  EXPECT_EQ(events[1].second, "fake ok");
  EXPECT_EQ(a.state().current, status::up);
  // One probe per interval from then on, exactly.
  fake.outcomes = {true, true, true};
  time.advance(milliseconds(300));
  ASSERT_EQ(fake.started.size(), 5U);
  for (std::size_t i = 2; i < 5; ++i) EXPECT_EQ(fake.started[i] - fake.started[i - 1], milliseconds(100));
}

}  // namespace
}  // namespace lbd::healthcheck

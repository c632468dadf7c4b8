// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/scheduler.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace lbd::healthcheck {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

const time_point t0 = time_point(seconds(1000));

schedule_config cfg(duration interval, duration timeout, duration retry = duration::zero()) {
  schedule_config c;
  c.interval = interval;
  c.timeout = timeout;
  c.retry_delay = retry;
  c.timeout_grace = milliseconds(250);
  return c;
}

TEST(Scheduler, FirstRunsOfManyChecksSpreadOverTheInterval) {
  // 10k checks configured at the same instant: count how many start in each 100 ms of a 1 s interval.
  std::vector<int> buckets(10, 0);
  for (int i = 0; i < 10000; ++i) {
    const std::string key = "tcp 10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256) + ":80";
    schedule s(cfg(seconds(1), milliseconds(500)), t0, stable_hash(key));
    const auto off = s.next_due() - t0;
    ASSERT_GE(off, duration::zero());
    ASSERT_LE(off, seconds(1));  // rounded up to the grid: 1 s is the phase of 0
    ++buckets.at(static_cast<std::size_t>(off / milliseconds(100)) % buckets.size());
  }
  // Uniform would be 1000 per bucket; a thundering herd would put them all in one.
  EXPECT_GT(*std::min_element(buckets.begin(), buckets.end()), 850);
  EXPECT_LT(*std::max_element(buckets.begin(), buckets.end()), 1150);
}

TEST(Scheduler, JitterIsDeterministicPerKey) {
  const auto h = stable_hash("http 10.0.1.11:8080");
  EXPECT_EQ(stable_hash("http 10.0.1.11:8080"), h);
  EXPECT_EQ(first_run_offset(h, seconds(2)), first_run_offset(h, seconds(2)));
  EXPECT_NE(first_run_offset(h, seconds(2)), first_run_offset(stable_hash("http 10.0.1.12:8080"), seconds(2)));
  EXPECT_EQ(first_run_offset(h, duration::zero()), duration::zero());
}

TEST(Scheduler, DoesNotStartBeforeDue) {
  schedule s(cfg(seconds(2), seconds(1)), t0, 12345);
  if (s.next_due() > t0) {
    EXPECT_FALSE(s.start(t0).has_value());
  }
  EXPECT_TRUE(s.start(s.next_due()).has_value());
}

TEST(Scheduler, NeverTwoProbesInFlight) {
  schedule s(cfg(seconds(2), seconds(1)), t0, 1);
  const auto due = s.next_due();
  auto a = s.start(due);
  ASSERT_TRUE(a);
  EXPECT_TRUE(s.in_flight());
  EXPECT_FALSE(s.start(due + seconds(5)).has_value());
  EXPECT_TRUE(s.finish(a->probe_id, due + milliseconds(10), true));
  EXPECT_FALSE(s.in_flight());
}

TEST(Scheduler, SuccessKeepsTheCadenceWithoutDrift) {
  schedule s(cfg(seconds(2), seconds(1)), t0, 1);
  const auto due = s.next_due();
  auto a = s.start(due + milliseconds(3));  // timer fired 3 ms late
  ASSERT_TRUE(a);
  EXPECT_EQ(a->lateness, milliseconds(3));
  s.finish(a->probe_id, due + milliseconds(400), true);
  EXPECT_EQ(s.next_due(), due + seconds(2));
}

TEST(Scheduler, FailureRetriesAfterRetryDelay) {
  schedule s(cfg(seconds(10), seconds(1), milliseconds(500)), t0, 1);
  const auto due = s.next_due();
  auto a = s.start(due);
  s.finish(a->probe_id, due + milliseconds(200), false);
  EXPECT_EQ(s.next_due(), due + milliseconds(700));
  // Back on success: the normal interval from the retry.
  auto b = s.start(s.next_due());
  s.finish(b->probe_id, due + milliseconds(800), true);
  EXPECT_EQ(s.next_due(), due + milliseconds(700) + seconds(10));
}

TEST(Scheduler, FailureWithoutRetryDelayUsesTheInterval) {
  schedule s(cfg(seconds(3), seconds(1)), t0, 1);
  const auto due = s.next_due();
  auto a = s.start(due);
  s.finish(a->probe_id, due + milliseconds(100), false);
  EXPECT_EQ(s.next_due(), due + seconds(3));
}

TEST(Scheduler, TimeoutExpiresTheProbeAndIgnoresItsLateResult) {
  schedule s(cfg(seconds(5), seconds(1), milliseconds(500)), t0, 1);
  const auto due = s.next_due();
  auto a = s.start(due);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->deadline, due + milliseconds(1250));
  EXPECT_FALSE(s.expire(due + milliseconds(1249)));
  EXPECT_TRUE(s.expire(due + milliseconds(1250)));
  EXPECT_FALSE(s.in_flight());
  EXPECT_EQ(s.next_due(), due + milliseconds(1750));  // retry delay after the timeout failure
  // The prober answers at last: too late, ignored.
  EXPECT_FALSE(s.finish(a->probe_id, due + milliseconds(1300), true));
  auto b = s.start(s.next_due());
  ASSERT_TRUE(b);
  EXPECT_NE(b->probe_id, a->probe_id);
  EXPECT_FALSE(s.finish(a->probe_id, due + milliseconds(1800), true));
  EXPECT_TRUE(s.in_flight());
  EXPECT_TRUE(s.finish(b->probe_id, due + milliseconds(1800), true));
}

TEST(Scheduler, SlowProbeIsFollowedAtOnceNotInThePast) {
  schedule s(cfg(seconds(1), seconds(5)), t0, 1);
  const auto due = s.next_due();
  auto a = s.start(due);
  s.finish(a->probe_id, due + seconds(3), true);
  EXPECT_EQ(s.next_due(), due + seconds(3));
}

TEST(Scheduler, FakeClockRunOfOneMinute) {
  // Drive a check for 60 s of fake time with a prober that fails every third probe after 100 ms:
  // every start is on schedule, and the count matches the arithmetic.
  schedule s(cfg(seconds(1), milliseconds(500), milliseconds(200)), t0, 99);
  time_point now = t0;
  int probes = 0;
  int failures = 0;
  while (now < t0 + seconds(60)) {
    now = s.next_due();
    auto st = s.start(now);
    ASSERT_TRUE(st);
    EXPECT_EQ(st->lateness, duration::zero());
    ++probes;
    const bool ok = probes % 3 != 0;
    if (!ok) ++failures;
    now += milliseconds(100);
    ASSERT_TRUE(s.finish(st->probe_id, now, ok));
  }
  // Each failure shortens the wait: 1 s cycles for successes, 0.3 s after a failure.
  EXPECT_GT(probes, 70);
  EXPECT_EQ(failures, probes / 3);
}

TEST(Scheduler, WakeUpsAreCoalescedOnAGrid) {
  const time_point base{seconds(1000)};
  EXPECT_EQ(coalesced_wake(base, milliseconds(10)), base);
  EXPECT_EQ(coalesced_wake(base + milliseconds(1), milliseconds(10)), base + milliseconds(10));
  EXPECT_EQ(coalesced_wake(base + milliseconds(9) + nanoseconds(999), milliseconds(10)), base + milliseconds(10));
  EXPECT_EQ(coalesced_wake(base + milliseconds(10), milliseconds(10)), base + milliseconds(10));
  EXPECT_EQ(coalesced_wake(base + milliseconds(3), duration::zero()), base + milliseconds(3));
  // Before the clock's epoch too: never earlier than asked, never a whole step late.
  const time_point before{-milliseconds(25)};
  EXPECT_EQ(coalesced_wake(before, milliseconds(10)), time_point{-milliseconds(20)});
  // Checks due within one step share one wake-up.
  EXPECT_EQ(coalesced_wake(base + milliseconds(11), milliseconds(10)),
            coalesced_wake(base + milliseconds(19), milliseconds(10)));
}

TEST(Scheduler, StartsLieOnTheGridAndKeepTheCadenceOnAverage) {
  // A 250 ms interval on a 100 ms grid: each start is on the grid, none is more than one step
  // after its exact time, and 40 runs take 40 intervals, not 40 rounded-up ones.
  auto c = cfg(milliseconds(250), milliseconds(100));
  c.start_grid = milliseconds(100);
  schedule s(c, t0 + milliseconds(3), 7);
  const auto first = s.next_due();
  time_point now{};
  for (int i = 0; i < 40; ++i) {
    now = s.next_due();
    EXPECT_EQ(now.time_since_epoch() % milliseconds(100), duration::zero()) << "run " << i;
    auto st = s.start(now);
    ASSERT_TRUE(st);
    EXPECT_EQ(st->lateness, duration::zero());
    ASSERT_TRUE(s.finish(st->probe_id, now + milliseconds(2), true));
  }
  const auto span = s.next_due() - first;
  EXPECT_GE(span, milliseconds(40 * 250 - 100));
  EXPECT_LE(span, milliseconds(40 * 250 + 100));
}

TEST(Scheduler, RetryDelayIsRoundedUpToTheGrid) {
  auto c = cfg(seconds(10), seconds(1), milliseconds(500));
  c.start_grid = milliseconds(100);
  schedule s(c, t0, 1);
  const auto due = s.next_due();
  auto a = s.start(due);
  s.finish(a->probe_id, due + milliseconds(230), false);
  EXPECT_EQ(s.next_due(), due + milliseconds(800));  // 730 ms rounded up
}

TEST(Scheduler, AnotherGridMovesTheNextStart) {
  auto c = cfg(seconds(1), milliseconds(500));
  c.start_grid = milliseconds(1);
  schedule s(c, t0 + milliseconds(3), 12345);
  const auto fine = s.next_due();
  s.set_start_grid(milliseconds(100));
  EXPECT_EQ(s.next_due(), coalesced_wake(fine, milliseconds(100)));
  EXPECT_EQ(s.config().start_grid, milliseconds(100));
}

TEST(Scheduler, StartGridFollowsTheRateOfAllChecks) {
  // About a hundred checks per grid point, a tenth of the interval at most, and only grid steps
  // whose multiples meet on 100 ms.
  EXPECT_EQ(start_grid_for(seconds(1), 1000), milliseconds(100));
  EXPECT_EQ(start_grid_for(seconds(1), 2000), milliseconds(50));
  EXPECT_EQ(start_grid_for(seconds(1), 4000), milliseconds(25));
  EXPECT_EQ(start_grid_for(seconds(1), 10000), milliseconds(10));
  EXPECT_EQ(start_grid_for(seconds(1), 30000), milliseconds(2));
  EXPECT_EQ(start_grid_for(seconds(1), 1e7), milliseconds(1));
  EXPECT_EQ(start_grid_for(seconds(5), 10), milliseconds(100));
  EXPECT_EQ(start_grid_for(seconds(5), 0), milliseconds(100));
  EXPECT_EQ(start_grid_for(milliseconds(100), 10), milliseconds(10));
  EXPECT_EQ(start_grid_for(milliseconds(5), 10), milliseconds(1));
}

}  // namespace
}  // namespace lbd::healthcheck

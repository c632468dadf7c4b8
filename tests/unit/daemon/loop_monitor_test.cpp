// SPDX-License-Identifier: GPL-2.0-or-later
// The event-loop lag tracker on made-up time points: lateness per tick and the windowed maximum.
#include "daemon/shell/loop_monitor.hpp"

#include <gtest/gtest.h>

namespace lbd::daemon {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using time_point = lag_tracker::clock::time_point;

const time_point t0{seconds(1000)};

double secs(lag_tracker::duration d) { return d.count(); }

TEST(LagTracker, LatenessIsTheDelayPastTheDueTime) {
  lag_tracker t(seconds(30));
  EXPECT_DOUBLE_EQ(secs(t.tick(t0, t0 + milliseconds(3))), 0.003);
  EXPECT_DOUBLE_EQ(secs(t.tick(t0 + milliseconds(100), t0 + milliseconds(100))), 0);
  // A timer never fires early, but a clock read before the due time is no negative lag.
  EXPECT_DOUBLE_EQ(secs(t.tick(t0 + milliseconds(200), t0 + milliseconds(199))), 0);
  EXPECT_DOUBLE_EQ(secs(t.max()), 0.003);
}

TEST(LagTracker, AStallStaysVisibleForAtLeastOneWindow) {
  lag_tracker t(seconds(30));
  t.tick(t0, t0);
  t.tick(t0 + seconds(10), t0 + seconds(12));  // a 2 s stall
  EXPECT_DOUBLE_EQ(secs(t.max()), 2);
  // The next window starts: the stall is still reported, from the previous window.
  t.tick(t0 + seconds(31), t0 + seconds(31));
  EXPECT_DOUBLE_EQ(secs(t.max()), 2);
  t.tick(t0 + seconds(50), t0 + milliseconds(50'010));
  EXPECT_DOUBLE_EQ(secs(t.max()), 2);
  // Two windows later it has aged out.
  t.tick(t0 + seconds(61), t0 + milliseconds(61'001));
  EXPECT_NEAR(secs(t.max()), 0.010, 1e-9);
}

TEST(LagTracker, AStallLongerThanTwoWindowsIsItsOwnMaximum) {
  lag_tracker t(seconds(30));
  t.tick(t0, t0 + milliseconds(500));
  // The loop was stuck for 100 s: the tick after it reports that, not the older half second.
  t.tick(t0 + milliseconds(100), t0 + seconds(100));
  EXPECT_NEAR(secs(t.max()), 99.9, 1e-9);
  t.tick(t0 + milliseconds(100'100), t0 + milliseconds(100'100));
  EXPECT_NEAR(secs(t.max()), 99.9, 1e-9);
}

}  // namespace
}  // namespace lbd::daemon

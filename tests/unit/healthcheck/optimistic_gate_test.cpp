// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/optimistic_gate.hpp"

#include <gtest/gtest.h>

namespace lbd::healthcheck {
namespace {

int tries_in(optimistic_gate& g, int chances, bool works) {
  int tries = 0;
  for (int i = 0; i < chances; ++i) {
    if (!g.should_try()) continue;
    ++tries;
    works ? g.worked() : g.missed();
  }
  return tries;
}

TEST(OptimisticGate, AStepThatWorksIsAlwaysTried) {
  optimistic_gate g(4, 100);
  EXPECT_EQ(tries_in(g, 1000, true), 1000);
}

TEST(OptimisticGate, AStepThatNeverWorksIsTriedOncePerPause) {
  optimistic_gate g(4, 100);
  // 4 misses, then 100 skipped, then 4 misses again...: 4 tries per 104 chances.
  EXPECT_EQ(tries_in(g, 1040, false), 40);
}

TEST(OptimisticGate, OccasionalMissesDoNotStopIt) {
  optimistic_gate g(4, 100);
  int tries = 0;
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(g.should_try()) << "chance " << i;
    ++tries;
    (i % 3 == 0) ? g.missed() : g.worked();
  }
  EXPECT_EQ(tries, 1000);
}

TEST(OptimisticGate, IsTriedAgainAfterThePause) {
  optimistic_gate g(2, 5);
  EXPECT_EQ(tries_in(g, 2, false), 2);
  EXPECT_EQ(tries_in(g, 5, true), 0);  // paused
  EXPECT_EQ(tries_in(g, 10, true), 10);
}

}  // namespace
}  // namespace lbd::healthcheck

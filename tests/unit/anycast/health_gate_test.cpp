// SPDX-License-Identifier: GPL-2.0-or-later
#include "anycast/health_gate.hpp"

#include <gtest/gtest.h>

namespace lbd::anycast {
namespace {

TEST(HealthGate, AnnouncesAtTheHighWatermarkAndWithdrawsBelowTheLowOne) {
  health_gate gate({.low_percent = 50, .high_percent = 75});
  EXPECT_FALSE(gate.update(70, 100));  // below high: stays withdrawn
  auto up = gate.update(75, 100);
  ASSERT_TRUE(up);
  EXPECT_TRUE(up->announce);
  EXPECT_EQ(up->reason, "live weight 75 of 100 (75%) reached the high watermark 75%");
  EXPECT_TRUE(gate.announced());
  // Inside the band the decision holds: no flapping between 50% and 75%.
  EXPECT_FALSE(gate.update(60, 100));
  EXPECT_FALSE(gate.update(50, 100));
  auto down = gate.update(49, 100);
  ASSERT_TRUE(down);
  EXPECT_FALSE(down->announce);
  EXPECT_EQ(down->reason, "live weight 49 of 100 (49%) fell below the low watermark 50%");
  // Back into the band from below: still withdrawn until the high watermark.
  EXPECT_FALSE(gate.update(70, 100));
  EXPECT_TRUE(gate.update(80, 100));
}

TEST(HealthGate, SharesRoundDownSoAWatermarkIsNeverReachedEarly) {
  health_gate gate({.low_percent = 0, .high_percent = 75});
  EXPECT_FALSE(gate.update(749, 1000));  // 74.9%
  EXPECT_TRUE(gate.update(750, 1000));
}

TEST(HealthGate, WithoutWatermarksAnyLiveWeightAnnouncesAndNoneWithdraws) {
  health_gate gate({});
  EXPECT_FALSE(gate.update(0, 100));
  EXPECT_FALSE(gate.update(0, 0));
  EXPECT_TRUE(gate.update(1, 100));
  auto down = gate.update(0, 100);
  ASSERT_TRUE(down);
  EXPECT_FALSE(down->announce);
  EXPECT_EQ(down->reason, "no live weight (0 of 100)");
}

TEST(HealthGate, StopWithdrawsOnceAndNeverAnnouncesAgain) {
  health_gate gate({.low_percent = 10, .high_percent = 20});
  ASSERT_TRUE(gate.update(100, 100));
  auto stop = gate.stop();
  ASSERT_TRUE(stop);
  EXPECT_FALSE(stop->announce);
  EXPECT_EQ(stop->reason, "lbd is stopping");
  EXPECT_FALSE(gate.stop());
  EXPECT_FALSE(gate.update(100, 100));
  EXPECT_FALSE(gate.announced());
}

TEST(HealthGate, AStopWhileWithdrawnChangesNothing) {
  health_gate gate({});
  EXPECT_FALSE(gate.stop());
  EXPECT_FALSE(gate.update(100, 100));
}

}  // namespace
}  // namespace lbd::anycast

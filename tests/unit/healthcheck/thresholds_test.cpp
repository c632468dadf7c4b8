// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/thresholds.hpp"

#include <gtest/gtest.h>

#include <string>

namespace lbd::healthcheck {
namespace {

// Feeds a string of results ('+' ok, '-' fail) and returns the transitions as letters
// (u unchanged, p pending, c changed) and the states after each (U/D).
std::pair<std::string, std::string> feed(thresholds& t, std::string_view results) {
  std::string trans;
  std::string states;
  for (char c : results) {
    switch (t.on_result(c == '+')) {
      case transition::unchanged: trans += 'u'; break;
      case transition::pending: trans += 'p'; break;
      case transition::changed: trans += 'c'; break;
    }
    states += t.state() == health::up ? 'U' : 'D';
  }
  return {trans, states};
}

TEST(Thresholds, StartsInTheInitialStateUnconfirmed) {
  thresholds t({3, 2, health::up});
  EXPECT_EQ(t.state(), health::up);
  EXPECT_FALSE(t.confirmed());
  t.on_result(true);
  EXPECT_TRUE(t.confirmed());
}

TEST(Thresholds, RiseNeedsConsecutiveSuccesses) {
  thresholds t({3, 2, health::down});
  auto [trans, states] = feed(t, "++-+++");
  EXPECT_EQ(trans,
            "ppupp"
            "c");
  EXPECT_EQ(states, "DDDDDU");
  EXPECT_EQ(t.consecutive_ok(), 3U);
  EXPECT_EQ(t.consecutive_fail(), 0U);
}

TEST(Thresholds, FallNeedsConsecutiveFailures) {
  thresholds t({1, 3, health::up});
  auto [trans, states] = feed(t, "--+---");
  EXPECT_EQ(trans, "ppuppc");
  EXPECT_EQ(states, "UUUUUD");
}

TEST(Thresholds, FlappingNeverReachesEitherThreshold) {
  thresholds t({2, 2, health::up});
  auto [trans, states] = feed(t, "-+-+-+-+-+");
  EXPECT_EQ(trans, "pupupupupu");
  EXPECT_EQ(states, "UUUUUUUUUU");
  thresholds d({2, 2, health::down});
  auto [trans2, states2] = feed(d, "+-+-+-+-");
  EXPECT_EQ(trans2, "pupupupu");
  EXPECT_EQ(states2, "DDDDDDDD");
}

TEST(Thresholds, FlappingSlowerThanThresholdsFollowsEachSwing) {
  thresholds t({2, 2, health::up});
  auto [trans, states] = feed(t, "--++--++");
  EXPECT_EQ(trans, "pcpcpcpc");
  EXPECT_EQ(states, "UDDUUDDU");
}

TEST(Thresholds, OneMeansImmediate) {
  thresholds t({1, 1, health::down});
  auto [trans, states] = feed(t, "+-+");
  EXPECT_EQ(trans, "ccc");
  EXPECT_EQ(states, "UDU");
}

TEST(Thresholds, FirstResultAgreeingWithInitialIsUnchanged) {
  thresholds t({2, 2, health::down});
  EXPECT_EQ(t.on_result(false), transition::unchanged);
  EXPECT_EQ(t.state(), health::down);
}

TEST(Thresholds, NamesForLogs) {
  EXPECT_EQ(to_string(transition::pending), "pending");
  EXPECT_EQ(to_string(health::down), "down");
}

}  // namespace
}  // namespace lbd::healthcheck

// SPDX-License-Identifier: GPL-2.0-or-later
#include "vrrp/timers.hpp"

#include <gtest/gtest.h>

namespace lbd::vrrp {
namespace {

using namespace std::chrono_literals;
using std::chrono::nanoseconds;

struct timer_case {
  version v;
  std::uint8_t priority;
  centiseconds interval;
  nanoseconds skew;
  nanoseconds mdi;
};

TEST(VrrpTimers, RfcFormulasPerVersion) {
  const timer_case cases[] = {
      // v3: Skew = (256-prio)*MAI/256, exact (see timers.hpp), MDI = 3*MAI + Skew.
      {version::v3, 100, centiseconds(10), 60937500ns, 360937500ns},  // lab: 0.361 s
      {version::v3, 150, centiseconds(10), 41406250ns, 341406250ns},
      {version::v3, 254, centiseconds(10), 781250ns, 300781250ns},  // would be 0 with whole centiseconds
      {version::v3, 1, centiseconds(100), 996093750ns, 3996093750ns},
      {version::v3, 255, centiseconds(100), 3906250ns, 3003906250ns},
      {version::v3, 100, centiseconds(4095), 24953906250ns, 147803906250ns},
      {version::v3, 200, centiseconds(1), 2187500ns, 32187500ns},
      // v2: Skew = (256-prio)/256 s regardless of the interval.
      {version::v2, 100, centiseconds(100), 609375000ns, 3609375000ns},  // lab: 3.609 s
      {version::v2, 150, centiseconds(100), 414062500ns, 3414062500ns},
      {version::v2, 100, centiseconds(300), 609375000ns, 9609375000ns},
      {version::v2, 255, centiseconds(100), 3906250ns, 3003906250ns},
  };
  for (const auto& c : cases) {
    auto t = compute_timers(c.v, c.priority, c.interval);
    EXPECT_EQ(t.skew_time, c.skew) << to_string(c.v) << " prio " << int(c.priority) << " " << c.interval.count();
    EXPECT_EQ(t.master_down_interval, c.mdi) << to_string(c.v) << " prio " << int(c.priority);
    EXPECT_EQ(t.master_adver_interval, nanoseconds(c.interval));
    EXPECT_EQ(skew_time(c.v, c.priority, c.interval), c.skew);
    EXPECT_EQ(master_down_interval(c.v, c.priority, c.interval), c.mdi);
  }
}

TEST(VrrpTimers, HigherPriorityAlwaysHasShorterMasterDown) {
  for (int p = 1; p < 255; ++p) {
    EXPECT_LT(master_down_interval(version::v3, static_cast<std::uint8_t>(p + 1), centiseconds(10)),
              master_down_interval(version::v3, static_cast<std::uint8_t>(p), centiseconds(10)))
        << p;
  }
}

}  // namespace
}  // namespace lbd::vrrp

// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/time_format.hpp"

#include <gtest/gtest.h>

namespace {

TEST(Rfc3339, UtcWithMilliseconds) {
  // 2026-11-21T09:25:05.123Z
  const std::chrono::system_clock::time_point t{std::chrono::milliseconds(1795253105123)};
  EXPECT_EQ(lbd::rfc3339(t), "2026-11-21T09:25:05.123Z");
}

TEST(Rfc3339, Epoch) { EXPECT_EQ(lbd::rfc3339(std::chrono::system_clock::time_point{}), "1970-01-01T00:00:00.000Z"); }

}  // namespace

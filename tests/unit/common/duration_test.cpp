// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/duration.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;

namespace lbd {
namespace {

TEST(Duration, ParsesUnits) {
  EXPECT_EQ(*parse_duration("10ms"), 10ms);
  EXPECT_EQ(*parse_duration("2s"), 2s);
  EXPECT_EQ(*parse_duration("5m"), 5min);
  EXPECT_EQ(*parse_duration("1h"), 1h);
  EXPECT_EQ(*parse_duration("250us"), 250us);
  EXPECT_EQ(*parse_duration("7ns"), 7ns);
  EXPECT_EQ(*parse_duration("1m30s"), 90s);
  EXPECT_EQ(*parse_duration("1.5s"), 1500ms);
  EXPECT_EQ(*parse_duration("0s"), 0s);
}

TEST(Duration, RejectsMalformed) {
  for (const char* bad : {"", "10", "ms", "10 ms", "10q", "-1s", "1..5s", ".5s", "1.s", "0.1ns"}) {
    auto r = parse_duration(bad);
    EXPECT_FALSE(r.has_value()) << bad;
  }
  EXPECT_NE(parse_duration("10").error().find("missing unit"), std::string::npos);
  EXPECT_NE(parse_duration("10q").error().find("unknown unit 'q'"), std::string::npos);
}

TEST(Duration, FormatsShortestExact) {
  EXPECT_EQ(format_duration(0s), "0s");
  EXPECT_EQ(format_duration(100ms), "100ms");
  EXPECT_EQ(format_duration(1500ms), "1500ms");
  EXPECT_EQ(format_duration(2s), "2s");
  EXPECT_EQ(format_duration(120s), "2m");
  EXPECT_EQ(format_duration(90s), "90s");
  EXPECT_EQ(format_duration(3600s), "1h");
}

TEST(Duration, FormatThenParseIsIdentity) {
  for (auto d :
       {duration(1), duration(999), duration(1'000'000), duration(1'234'567'000), duration(3'600'000'000'000)}) {
    EXPECT_EQ(*parse_duration(format_duration(d)), d);
  }
}

}  // namespace
}  // namespace lbd

// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/duration.hpp"
#include "common/quote.hpp"

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

// Exact: integer arithmetic on the digits, never rounding (1.999999999999s is not 2s).
TEST(Duration, ParsesExactlyOrRefuses) {
  EXPECT_EQ(*parse_duration("1.999999999s"), duration(1'999'999'999));
  EXPECT_EQ(*parse_duration("0.000000001s"), 1ns);
  EXPECT_EQ(*parse_duration("0.1s"), 100ms);  // not 0.1 in binary floating point
  EXPECT_EQ(*parse_duration("0.7s"), 700ms);
  EXPECT_EQ(*parse_duration("1.0050000000000000000000s"), 1005ms);  // trailing zeros are exact
  EXPECT_EQ(*parse_duration("0.0000000000025h"), 9ns);              // 13 decimals, still exact
  EXPECT_EQ(*parse_duration("000000000000000000000000001s"), 1s);
}

TEST(Duration, RefusesWhatIsNotAWholeNanosecond) {
  for (const char* bad : {"1.999999999999s", "1.0000000001s", "0.5ns", "1.5ns0.5ns", "0.0000001ms", "0.00000000000001h",
                          "1.00000000000000000000000000000000001s"}) {
    auto r = parse_duration(bad);
    ASSERT_FALSE(r.has_value()) << bad << " = " << r->count() << "ns";
    EXPECT_NE(r.error().find("finer than a nanosecond"), std::string::npos) << r.error();
  }
}

TEST(Duration, RefusesTooLongAndQuotesAPrefix) {
  EXPECT_EQ(*parse_duration("1281023h"), 1281023h);  // half of int64 nanoseconds is the limit
  EXPECT_NE(parse_duration("1281024h").error().find("too long"), std::string::npos);
  EXPECT_NE(parse_duration("99999999999999999999s").error().find("too long"), std::string::npos);
  const std::string huge = std::string(100'000, '1') + "s";
  const auto e = parse_duration(huge).error();
  EXPECT_EQ(e, "'" + std::string(64, '1') + "…' (100001 bytes) is too long a duration");
  const std::string junk(10'000, 'x');
  EXPECT_LT(parse_duration(junk).error().size(), 200U);
}

TEST(QuoteValue, ShortWholeLongByPrefix) {
  EXPECT_EQ(quote_value("abc"), "'abc'");
  EXPECT_EQ(quote_value(std::string(64, 'x')), "'" + std::string(64, 'x') + "'");
  EXPECT_EQ(quote_value(std::string(65, 'x')), "'" + std::string(64, 'x') + "…' (65 bytes)");
  // A cut never splits a UTF-8 character: "é" is two bytes, the 64th byte starts the 32nd.
  std::string accents;
  for (int i = 0; i < 40; ++i) accents += "\xc3\xa9";
  EXPECT_EQ(quote_value("x" + accents), "'x" + accents.substr(0, 62) + "…' (81 bytes)");
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

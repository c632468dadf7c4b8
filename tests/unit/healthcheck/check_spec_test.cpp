// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/check_spec.hpp"

#include <gtest/gtest.h>

namespace lbd::healthcheck {
namespace {

check_spec http_check(const char* target) {
  check_spec s;
  s.target = parse_endpoint(target).value();
  http_params p;
  p.path = "/healthz";
  s.params = p;
  return s;
}

TEST(CheckSpec, DisplayNameNamesTypeAndTarget) {
  EXPECT_EQ(display_name(http_check("10.0.1.11:8080")), "http 10.0.1.11:8080");
  auto s = http_check("[2001:db8::1]:443");
  std::get<http_params>(s.params).tls = true;
  EXPECT_EQ(display_name(s), "https [2001:db8::1]:443");
}

TEST(CheckSpec, SameParametersSameKey) {
  EXPECT_EQ(canonical_key(http_check("10.0.1.11:8080")), canonical_key(http_check("10.0.1.11:8080")));
}

TEST(CheckSpec, EveryParameterChangesTheKey) {
  const auto base = canonical_key(http_check("10.0.1.11:8080"));
  EXPECT_NE(canonical_key(http_check("10.0.1.12:8080")), base);
  auto s = http_check("10.0.1.11:8080");
  std::get<http_params>(s.params).path = "/other";
  EXPECT_NE(canonical_key(s), base);
  s = http_check("10.0.1.11:8080");
  s.thresholds.rise = 5;
  EXPECT_NE(canonical_key(s), base);
  s = http_check("10.0.1.11:8080");
  s.timing.interval = std::chrono::seconds(7);
  EXPECT_NE(canonical_key(s), base);
  s = http_check("10.0.1.11:8080");
  std::get<http_params>(s.params).expect_status = {{200, 200}, {301, 302}};
  EXPECT_NE(canonical_key(s), base);
  s = http_check("10.0.1.11:8080");
  s.params = tcp_params{};
  EXPECT_NE(canonical_key(s), base);
}

TEST(CheckSpec, FieldValuesCannotImitateSeparators) {
  check_spec a;
  a.target = parse_endpoint("10.0.0.1:53").value();
  a.params = udp_params{"x expect_prefix=0:", ""};
  check_spec b = a;
  b.params = udp_params{"x", " expect_prefix=0:"};
  EXPECT_NE(canonical_key(a), canonical_key(b));
}

}  // namespace
}  // namespace lbd::healthcheck

// SPDX-License-Identifier: GPL-2.0-or-later
// The operator's overrides as the state file's text, and back (pure).
#include "daemon/services/override_file.hpp"

#include <gtest/gtest.h>

namespace lbd::daemon {
namespace {

server_ref ref(const char* service, const char* server) { return {service, parse_endpoint(server, false).value()}; }

TEST(override_file, RoundTrip) {
  overrides o;
  o.set(ref("web", "10.0.1.11:80"), {override_kind::drain, 0});
  o.set(ref("web", "[2001:db8::12]:80"), {override_kind::weight, 7});
  o.set(ref("marked", "10.0.1.21"), {override_kind::weight, 0});
  const auto text = encode_overrides(o);
  auto back = decode_overrides(text);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(back->entries(), o.entries());
  EXPECT_EQ(encode_overrides(*back), text);
  EXPECT_TRUE(decode_overrides(encode_overrides(overrides{}))->entries().empty());
}

TEST(override_file, SlowStartsUnderWayRoundTripAndAnOlderFileHasNone) {
  overrides o;
  o.set(ref("web", "10.0.1.11:80"), {override_kind::drain, 0});
  const std::vector<kept_ramp> ramps{{ref("web", "10.0.1.12:80"),
                                      std::chrono::system_clock::time_point(std::chrono::milliseconds(1796000000123)),
                                      std::chrono::seconds(60)}};
  const auto text = encode_overrides(o, ramps);
  auto back = decode_state(text);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(back->ovr.entries(), o.entries());
  EXPECT_EQ(back->ramps, ramps);
  EXPECT_TRUE(decode_state(R"({"version": 1, "overrides": []})")->ramps.empty());
  for (const char* bad :
       {R"({"version": 1, "overrides": [], "slow_starts": 3})",
        R"({"version": 1, "overrides": [], "slow_starts": [{"service": "web", "server": "10.0.1.12:80",
                              "since_unix_ms": 1, "window_ms": -5}]})"}) {
    EXPECT_FALSE(decode_state(bad)) << bad;
  }
}

TEST(override_file, EveryProblemIsNamedAndNothingIsTaken) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "not JSON"},
      {"{\"version\": 1, \"overrides\": [", "not JSON"},
      {"[]", "not a JSON object"},
      {"{\"overrides\": []}", "version: not 1 (written by another lbd?)"},
      {"{\"version\": 2, \"overrides\": []}", "version: not 1 (written by another lbd?)"},
      {"{\"version\": 1}", "overrides: missing or not an array"},
      {"{\"version\": 1, \"overrides\": [3]}", "overrides[0]: not an object"},
      {R"({"version": 1, "overrides": [{"server": "10.0.1.11:80", "kind": "drain"}]})",
       "overrides[0].service: missing or not a string"},
      {R"({"version": 1, "overrides": [{"service": "web", "server": "nope", "kind": "drain"}]})",
       "overrides[0].server: "},
      {R"({"version": 1, "overrides": [{"service": "web", "server": "10.0.1.11:80", "kind": "maint"}]})",
       "overrides[0].kind: 'maint' is not drain or weight"},
      {R"({"version": 1, "overrides": [{"service": "web", "server": "10.0.1.11:80", "kind": "weight"}]})",
       "overrides[0].weight: missing or not a weight (0-2147483647)"},
      {R"({"version": 1, "overrides": [{"service": "web", "server": "10.0.1.11:80", "kind": "weight", "weight": -1}]})",
       "overrides[0].weight: missing or not a weight (0-2147483647)"},
      {R"({"version": 1, "overrides": [{"service": "web", "server": "10.0.1.11:80", "kind": "drain"},
           {"service": "web", "server": "10.0.1.12:80", "kind": "weight", "weight": 4294967296}]})",
       "overrides[1].weight: missing or not a weight (0-2147483647)"},
  };
  for (const auto& [text, why] : cases) {
    auto r = decode_overrides(text);
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().rfind(why, 0), 0U) << text << " -> " << r.error();
  }
  EXPECT_EQ(decode_overrides(std::string(override_file_max_bytes + 1, ' ')).error(), "larger than 16777216 bytes");
}

}  // namespace
}  // namespace lbd::daemon

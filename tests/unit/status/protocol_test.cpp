// SPDX-License-Identifier: GPL-2.0-or-later
// The envelope and its version rule: same major with any minor is read, another major or none at
// all is refused with a message naming both versions.
#include <gtest/gtest.h>

#include "status/protocol.hpp"

namespace lbd::api {
namespace {

TEST(protocol, versions_parse_strictly) {
  EXPECT_EQ(*parse_version("1.0"), (protocol_version{1, 0}));
  EXPECT_EQ(*parse_version("12.34"), (protocol_version{12, 34}));
  for (const char* bad : {"", "1", "1.", ".1", "1.0.0", "v1.0", "-1.0", "1.+0", " 1.0", "1.0 "}) {
    EXPECT_FALSE(parse_version(bad)) << bad;
  }
  EXPECT_EQ(to_string(current_version), "1.5");
}

TEST(protocol, every_answer_carries_the_version) {
  EXPECT_EQ(answer({{"a", 1}}), nlohmann::json::parse(R"({"version":"1.5","ok":true,"result":{"a":1}})"));
  EXPECT_EQ(refusal("no"), nlohmann::json::parse(R"({"version":"1.5","ok":false,"error":"no"})"));
}

TEST(protocol, same_major_any_minor_is_read) {
  auto r = open_reply(nlohmann::json::parse(R"({"version":"1.7","ok":true,"result":[1],"later":"field"})"));
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.result, nlohmann::json::parse("[1]"));
  r = open_reply(refusal("no real server 10.0.0.1:80"));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "no real server 10.0.0.1:80");
}

TEST(protocol, another_major_is_refused_by_name) {
  try {
    (void)open_reply(nlohmann::json::parse(R"({"version":"2.0","ok":true,"result":{}})"));
    FAIL();
  } catch (const contract_error& e) {
    EXPECT_STREQ(e.what(),
                 "lbd speaks control protocol 2.0, this lbctl knows 1.x: use the lbctl of the same release as the "
                 "running lbd");
  }
  EXPECT_THROW((void)open_reply(answer({}), protocol_version{2, 0}), contract_error);
  EXPECT_THROW((void)open_reply(nlohmann::json::parse(R"({"ok":true,"result":{}})")), contract_error);
  EXPECT_THROW((void)open_reply(nlohmann::json::parse(R"({"version":"one","ok":true,"result":{}})")), contract_error);
  EXPECT_THROW((void)open_reply(nlohmann::json::parse(R"({"version":"1.0","result":{}})")), contract_error);
  EXPECT_THROW((void)open_reply(nlohmann::json::parse(R"({"version":"1.0","ok":true})")), contract_error);
  EXPECT_THROW((void)open_reply(nlohmann::json::parse(R"({"version":"1.0","ok":false})")), contract_error);
  EXPECT_THROW((void)open_reply(nlohmann::json::parse("[]")), contract_error);
}

}  // namespace
}  // namespace lbd::api

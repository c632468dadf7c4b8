// SPDX-License-Identifier: GPL-2.0-or-later
// The agent check's reply parser: each kind of word, combinations, separators, descriptions, and
// the bounds (length, bytes, nothing understood).
#include "healthcheck/agent_reply.hpp"

#include <gtest/gtest.h>

#include <string>

namespace lbd::healthcheck {
namespace {

agent_reply ok(std::string_view line) {
  auto r = parse_agent_reply(line);
  EXPECT_EQ(r.error, agent_reply_error::none) << line << ": " << r.reason;
  return r.reply.value_or(agent_reply{});
}

agent_reply_error error(std::string_view line) {
  const auto r = parse_agent_reply(line);
  EXPECT_FALSE(r.reply) << line;
  EXPECT_FALSE(r.reason.empty()) << line;
  return r.error;
}

TEST(AgentReply, WeightPercentage) {
  EXPECT_EQ(ok("75%\n").weight_percent, 75U);
  EXPECT_EQ(ok("0%").weight_percent, 0U);
  EXPECT_EQ(ok("100%\r\n").weight_percent, 100U);
  EXPECT_EQ(ok("250%").weight_percent, 250U);
  // HAProxy's cap.
  EXPECT_EQ(ok("999999999%").weight_percent, max_agent_weight_percent);
  // No percent sign, a sign, a fraction, ten digits: not a weight.
  for (const char* w : {"75", "-5%", "+5%", "7.5%", "%", "1234567890%", "75%%"}) {
    EXPECT_EQ(error(w), agent_reply_error::nothing_understood) << w;
  }
}

TEST(AgentReply, AdministrativeStates) {
  EXPECT_EQ(ok("ready").admin, agent_admin::ready);
  EXPECT_EQ(ok("drain").admin, agent_admin::drain);
  EXPECT_EQ(ok("maint").admin, agent_admin::maint);
  EXPECT_EQ(ok("DRAIN").admin, agent_admin::drain);  // keywords are case-insensitive
  EXPECT_FALSE(ok("ready").operational);
  EXPECT_FALSE(ok("ready").weight_percent);
}

TEST(AgentReply, OperationalStates) {
  EXPECT_EQ(ok("up").operational, agent_operational::up);
  EXPECT_EQ(ok("down").operational, agent_operational::down);
  EXPECT_EQ(ok("stopped").operational, agent_operational::stopped);
  EXPECT_EQ(ok("Fail").operational, agent_operational::fail);
  EXPECT_FALSE(ok("down").admin);
}

TEST(AgentReply, Maxconn) {
  EXPECT_EQ(ok("maxconn:30").maxconn, 30U);
  EXPECT_EQ(ok("MAXCONN:0").maxconn, 0U);
  EXPECT_EQ(ok("maxconn:999999999").maxconn, 999999999U);
  for (const char* w : {"maxconn:", "maxconn:-1", "maxconn:1x", "maxconn:1234567890", "maxconn 30"}) {
    const auto r = parse_agent_reply(w);
    EXPECT_FALSE(r.reply && r.reply->maxconn) << w;
  }
}

TEST(AgentReply, DescriptionAfterTheSharp) {
  const auto r = ok("down # disk full\n");
  EXPECT_EQ(r.operational, agent_operational::down);
  EXPECT_EQ(r.description, "disk full");
  EXPECT_EQ(ok("stopped#for the upgrade, back at 5").description, "for the upgrade, back at 5");
  EXPECT_EQ(ok("up").description, "");
  // Words after the sharp are description, not commands.
  EXPECT_FALSE(ok("up # drain soon").admin);
}

TEST(AgentReply, SeveralWordsAnySeparatorLastOneWins) {
  const auto r = ok("  up,\t75% maxconn:10 ,drain\n");
  EXPECT_EQ(r.operational, agent_operational::up);
  EXPECT_EQ(r.weight_percent, 75U);
  EXPECT_EQ(r.maxconn, 10U);
  EXPECT_EQ(r.admin, agent_admin::drain);
  EXPECT_EQ(ok("drain ready").admin, agent_admin::ready);
  EXPECT_EQ(ok("50% 20%").weight_percent, 20U);
  // Only the first line counts: the rest may be anything.
  EXPECT_EQ(ok("maint\nup\n\x01\x02").admin, agent_admin::maint);
  EXPECT_FALSE(ok("maint\nup").operational);
}

TEST(AgentReply, UnknownWordsAreReportedAndTheOthersApply) {
  const auto r = ok("ready bogus 50% other");
  EXPECT_EQ(r.admin, agent_admin::ready);
  EXPECT_EQ(r.weight_percent, 50U);
  EXPECT_EQ(r.unknown, "bogus");
  EXPECT_EQ(error("hello world"), agent_reply_error::nothing_understood);
  EXPECT_EQ(parse_agent_reply("hello world").reason, "agent reply without a word understood (\"hello\")");
  EXPECT_EQ(error("#only a description"), agent_reply_error::nothing_understood);
}

TEST(AgentReply, EmptyTooLongAndBadBytes) {
  EXPECT_EQ(error(""), agent_reply_error::empty);
  EXPECT_EQ(error("\n"), agent_reply_error::empty);
  EXPECT_EQ(error(" \t, \r\n"), agent_reply_error::empty);
  // max_agent_line bytes are fine, one more is not, ended or not.
  const std::string longest = "up" + std::string(max_agent_line - 2, ' ');
  EXPECT_EQ(ok(longest).operational, agent_operational::up);
  EXPECT_EQ(ok(longest + "\n").operational, agent_operational::up);
  EXPECT_EQ(error(longest + " "), agent_reply_error::too_long);
  EXPECT_EQ(error(longest + " \n"), agent_reply_error::too_long);
  EXPECT_EQ(parse_agent_reply(longest + " ").reason, "agent reply longer than 512 bytes");
  EXPECT_EQ(error(std::string("up\0", 3)), agent_reply_error::bad_byte);
  EXPECT_EQ(error("up \x1b[0m"), agent_reply_error::bad_byte);
  EXPECT_EQ(error("up \xc3\xa9t\xc3\xa9"), agent_reply_error::bad_byte);
  EXPECT_EQ(parse_agent_reply("up\x7f").reason, "agent reply holds the byte 0x7f");
}

TEST(AgentReply, LineEnd) {
  EXPECT_EQ(agent_line_end("up"), std::string_view::npos);
  EXPECT_EQ(agent_line_end("up\r\n"), 2U);
  EXPECT_EQ(agent_line_end("drain\n"), 5U);
}

}  // namespace
}  // namespace lbd::healthcheck

// SPDX-License-Identifier: GPL-2.0-or-later
// The pure parts of the hook runner: which lines of a hook's output reach the log, how a run is
// worded and counted.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/hook_runner.hpp"

namespace lbd {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(HookOutput, NonEmptyLinesUpToTheLimit) {
  EXPECT_THAT(hook_output_lines("conntrackd: committed\n\n  \r\nsecond\r\nthird\nfourth\n", 3),
              ElementsAre("conntrackd: committed", "  ", "second"));
  EXPECT_THAT(hook_output_lines(""), IsEmpty());
  EXPECT_THAT(hook_output_lines("\n\n\n"), IsEmpty());
  EXPECT_THAT(hook_output_lines("no newline at the end"), ElementsAre("no newline at the end"));
}

TEST(HookOutput, LongLinesAreCut) {
  const std::string line(1000, 'x');
  const auto lines = hook_output_lines(line + "\nnext\n");
  ASSERT_EQ(lines.size(), 2U);
  EXPECT_EQ(lines[0].size(), 200U);
  EXPECT_EQ(lines[1], "next");
}

TEST(HookOutcome, ResultAndText) {
  process::outcome o;
  o.started = true;
  o.exit_code = 0;
  EXPECT_EQ(hook_result(o), "ok");
  EXPECT_EQ(hook_outcome_text(o, hook_timeout), "exit 0");
  o.exit_code = 3;
  EXPECT_EQ(hook_result(o), "failed");
  EXPECT_EQ(hook_outcome_text(o, hook_timeout), "exit 3");
  o.exit_code.reset();
  o.signal = 9;
  EXPECT_EQ(hook_result(o), "failed");
  o.timed_out = true;
  EXPECT_EQ(hook_result(o), "timeout");
  EXPECT_EQ(hook_outcome_text(o, std::chrono::seconds(60)), "timeout after 60s, process group killed");
  process::outcome not_started;
  not_started.error = "argv[0] must be an absolute path";
  EXPECT_EQ(hook_result(not_started), "failed");
  EXPECT_EQ(hook_outcome_text(not_started, hook_timeout), "could not start: argv[0] must be an absolute path");
}

}  // namespace
}  // namespace lbd

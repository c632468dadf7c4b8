// SPDX-License-Identifier: GPL-2.0-or-later
// The pure part of the hook runner: which lines of a hook's output reach the log.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/hook_runner.hpp"

namespace lbd::daemon {
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

}  // namespace
}  // namespace lbd::daemon

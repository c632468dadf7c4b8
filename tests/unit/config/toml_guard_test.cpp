// SPDX-License-Identifier: GPL-2.0-or-later
// Non-ASCII input that would drive toml++ 3.3.0 into undefined behaviour is rejected with a
// position; non-ASCII text inside strings and comments still loads.
#include <gtest/gtest.h>

#include "config/load.hpp"
#include "config/toml_guard.hpp"

namespace lbd::config {
namespace {

// U+0497, one of the code points that reach the parser's unreachable branch.
#define CYR "\xd2\x97"

std::string where(const std::string& text) {
  auto f = detail::find_unsafe_input(text);
  if (!f) return "safe";
  return std::to_string(f->line) + ":" + std::to_string(f->column);
}

TEST(config_toml_guard, rejects_non_ascii_outside_strings_and_comments) {
  EXPECT_EQ(where("[" CYR "]"), "1:2");
  EXPECT_EQ(where(CYR " = 1"), "1:1");
  EXPECT_EQ(where("a = 1" CYR), "1:6");
  EXPECT_EQ(where("a = \"x\"" CYR), "1:8");
  EXPECT_EQ(where("# " CYR "\nb = " CYR), "2:5");
  EXPECT_EQ(where("a = \"\"\"x\"\"\"\"" CYR "\""), "1:13");  // four quotes: the string ends after the first
  // A quote inside a bare value opens nothing: the parser reads up to the next terminator.
  EXPECT_EQ(where("a = 00)1\"0[" CYR "\""), "1:12");
  EXPECT_EQ(where("a=0[\"2001" CYR "\"]"), "1:10");
  EXPECT_EQ(where("a = 1979-05-27 07:32:00\"" CYR "\""), "1:25");
  EXPECT_EQ(where("a = [1, 2.\"" CYR "\"]"), "1:12");
}

TEST(config_toml_guard, rejects_non_ascii_after_a_line_ending_backslash_or_as_an_escape) {
  EXPECT_EQ(where("a = \"\"\"\\\n" CYR "\"\"\""), "2:1");
  EXPECT_EQ(where("a = \"\"\"x\\  \n\n\t" CYR "\"\"\""), "3:2");
  EXPECT_EQ(where("a = \"\"\"\\" CYR "\"\"\""), "1:9");
  EXPECT_EQ(where("a = \"\\" CYR "\""), "1:7");
}

TEST(config_toml_guard, lets_non_ascii_text_in_strings_and_comments_through) {
  EXPECT_EQ(where("a = \"" CYR "\" # " CYR), "safe");
  EXPECT_EQ(where("a = '" CYR "'"), "safe");
  EXPECT_EQ(where("a = \"\"\"\n" CYR "\"\"\""), "safe");
  EXPECT_EQ(where("a = '''\\\n" CYR "'''"), "safe");  // no escapes in literal strings
  EXPECT_EQ(where("[\"" CYR "\"]\n\"" CYR "\" = 1"), "safe");
  EXPECT_EQ(where("a = \"x\\\"" CYR "\""), "safe");  // escaped quote: still inside the string
  EXPECT_EQ(where("a = [\"x\",\"" CYR "\"]\nb = { c = [1, {d.\"" CYR "\" = 2}], e = '" CYR "' }"), "safe");
  EXPECT_EQ(where("[a.\"" CYR "\"]\n[[ b . '" CYR "' ]]\nx = [\n 1,\n \"" CYR "\"\n]"), "safe");

  auto r = load_string("[[vrrp]] # r" CYR
                       "seau\nname = \"web\"\ninterface = \"eth0\"\nvrid = 1\n"
                       "virtual_ips = [\"192.0.2.1/24\"]\nnotify = { master = [\"/bin/echo\", \"" CYR "\"] }\n",
                       "t.conf", load_options{"n"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.cfg->vrrp.at(0).notify.master.at(1), CYR);
}

TEST(config_toml_guard, loader_reports_the_finding_as_an_error) {
  auto r = load_string("[global]\nnode_name = d" CYR "\n", "t.conf", load_options{"n"});
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics.size(), 1U);
  EXPECT_EQ(format(r.diagnostics[0]),
            "t.conf:2:14: error: non-ASCII character outside a string or comment (keys and values are ASCII; quote "
            "text)");
}

}  // namespace
}  // namespace lbd::config

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// One validation rule, one failing input: the input must produce exactly one diagnostic of the
// expected severity, at the expected line:column, whose message contains the expected text.
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "config/load.hpp"

namespace lbd::config::test {

struct rule_case {
  const char* name;  // test name suffix
  const char* toml;
  const char* where;    // "line:column"
  const char* message;  // substring of the message (which starts with the dotted key path)
  severity level = severity::error;
};

inline std::ostream& operator<<(std::ostream& os, const rule_case& c) { return os << c.name; }

inline std::string name_of_case(const testing::TestParamInfo<rule_case>& info) { return info.param.name; }

inline std::string dump(const load_result& r) {
  std::string out;
  for (const auto& d : r.diagnostics) out += format(d) + "\n";
  return out;
}

inline void expect_rule(const rule_case& c) {
  auto r = load_string(c.toml, "t.conf", load_options{"test-node"});
  std::size_t matching = 0;
  for (const auto& d : r.diagnostics) matching += d.level == c.level ? 1 : 0;
  if (c.level == severity::error) {
    EXPECT_FALSE(r.ok()) << dump(r);
  } else {
    EXPECT_TRUE(r.ok()) << dump(r);
  }
  ASSERT_EQ(matching, 1U) << dump(r);
  for (const auto& d : r.diagnostics) {
    if (d.level != c.level) continue;
    EXPECT_EQ(std::to_string(d.line) + ":" + std::to_string(d.column), c.where) << format(d);
    EXPECT_NE(d.message.find(c.message), std::string::npos) << format(d) << "\nexpected to contain: " << c.message;
    EXPECT_EQ(d.file, "t.conf");
  }
}

}  // namespace lbd::config::test

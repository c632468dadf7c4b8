// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/shell/config_diagnostics.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lbd::daemon {
namespace {

TEST(ConfigDiagnostics, EveryErrorButOnlyTheFirstWarningsAreLogged) {
  std::vector<log::record> lines;
  log::set_sink([&lines](const log::record& r) { lines.push_back(r); });
  config::load_result r;
  for (int i = 0; i < 30; ++i) {
    r.diagnostics.push_back(
        {config::severity::warning, "lbd.conf", static_cast<unsigned>(10 + i), 3, "warning " + std::to_string(i)});
  }
  r.diagnostics.push_back({config::severity::error, "lbd.conf", 99, 1, "the error"});
  log_diagnostics(log::logger("test"), "lbd.conf", r);
  log::reset_sink();
  ASSERT_EQ(lines.size(), max_logged_warnings + 2);
  EXPECT_NE(lines.front().message.find("warning 0"), std::string::npos);
  EXPECT_NE(lines[max_logged_warnings - 1].message.find("warning 19"), std::string::npos);
  EXPECT_EQ(lines[max_logged_warnings].lvl, log::level::err);
  EXPECT_EQ(lines.back().message, "lbd.conf: 10 more warning(s) not logged; lbd --check -f lbd.conf lists them all");
}

}  // namespace
}  // namespace lbd::daemon

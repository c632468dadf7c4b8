// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Helpers of the importer tests.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/load.hpp"
#include "import/import.hpp"

namespace lbd::import::test {

inline bool has(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

// The result converts without errors and loads as `lbd --check` loads it, without errors.
inline void expect_loads(const import_result& r) {
  ASSERT_TRUE(r.errors.empty()) << r.errors.front();
  auto loaded = config::load_string(r.toml, "imported.conf");
  std::string diagnostics;
  for (const auto& d : loaded.diagnostics) diagnostics += config::format(d) + "\n";
  EXPECT_TRUE(loaded.ok()) << diagnostics << r.toml;
  EXPECT_EQ(loaded.error_count(), 0U) << diagnostics;
}

// "refused: FILE:LINE: keyword: why" -> "refused: FILE:LINE: keyword", to compare the exact list
// of what an import refused or changed without repeating every explanation.
inline std::vector<std::string> finding_heads(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (const auto& l : lines) {
    auto where_end = l.find(": ", l.find(": ") + 2);
    auto keyword_end = where_end == std::string::npos ? where_end : l.find(": ", where_end + 2);
    out.push_back(l.substr(0, keyword_end));
  }
  return out;
}

}  // namespace lbd::import::test

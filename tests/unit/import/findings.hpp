// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// "refused: FILE:LINE: keyword: why" -> "refused: FILE:LINE: keyword", to compare the exact list
// of what an import refused or changed without repeating every explanation.
#include <string>
#include <vector>

namespace lbd::import::test {

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

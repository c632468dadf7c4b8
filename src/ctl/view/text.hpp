// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Small pieces shared by lbctl's views and the status page: "3m ago", and a table whose columns
// line up.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace lbd::ctl::view {

using clock_point = std::chrono::system_clock::time_point;

// "just now", "42s ago", "3m ago", "2h5m ago", "3d4h ago"; "in the future" when clocks disagree.
std::string ago(clock_point then, clock_point now);
// A duration the same way, without "ago": "42s", "3m", "2h5m".
std::string span(std::chrono::seconds d);

// Rows of cells; columns padded to the widest cell, separated by two spaces, no trailing blanks.
class table {
 public:
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  [[nodiscard]] bool empty() const { return rows_.empty(); }
  // Every line prefixed with `indent` and ended with '\n'.
  [[nodiscard]] std::string render(std::string_view indent = "") const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace lbd::ctl::view

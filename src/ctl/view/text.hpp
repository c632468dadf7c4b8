// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Small pieces shared by lbctl's views: tolerant reads of the daemon's JSON (a field that is
// missing or of another type reads as empty, never throws), RFC 3339 times, "3m ago", and a table
// whose columns line up.
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lbd::ctl::view {

using clock_point = std::chrono::system_clock::time_point;

// The member as text: strings as they are, numbers and booleans printed, anything else "".
std::string text(const nlohmann::json& j, std::string_view key);
std::optional<std::int64_t> integer(const nlohmann::json& j, std::string_view key);
bool flag(const nlohmann::json& j, std::string_view key);
// The member if it is an array or an object of that kind, else an empty one.
const nlohmann::json& array(const nlohmann::json& j, std::string_view key);
const nlohmann::json& object(const nlohmann::json& j, std::string_view key);

// "2026-11-21T09:27:34Z", with optional fraction and "+hh:mm" offset.
std::optional<clock_point> parse_rfc3339(std::string_view s);
// "just now", "42s ago", "3m ago", "2h5m ago", "3d4h ago"; "in the future" when clocks disagree.
std::string ago(clock_point then, clock_point now);
// A duration the same way, without "ago": "42s", "3m", "2h5m".
std::string span(std::chrono::seconds d);
// ago() of an RFC 3339 member, or "" when absent.
std::string ago_of(const nlohmann::json& j, std::string_view key, clock_point now);

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

// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/duration.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <cstdint>
#include <limits>

namespace lbd {
namespace {

struct unit {
  std::string_view name;
  std::int64_t ns;
};

constexpr std::array<unit, 6> units{{{"ns", 1},
                                     {"us", 1'000},
                                     {"ms", 1'000'000},
                                     {"s", 1'000'000'000},
                                     {"m", 60'000'000'000},
                                     {"h", 3'600'000'000'000}}};

}  // namespace

result<duration, std::string> parse_duration(std::string_view text) {
  if (text.empty()) return unexpected(std::string("empty duration"));
  std::size_t i = 0;
  long double total = 0;
  while (i < text.size()) {
    std::size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) != 0 || text[i] == '.')) ++i;
    if (i == start) {
      return unexpected(fmt::format("'{}' is not a duration (expected a number then a unit, e.g. \"100ms\")", text));
    }
    std::string number(text.substr(start, i - start));
    if (number.find('.') != number.rfind('.') || number.front() == '.' || number.back() == '.') {
      return unexpected(fmt::format("'{}' is not a duration: malformed number '{}'", text, number));
    }
    std::size_t ustart = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i])) != 0) ++i;
    std::string_view uname = text.substr(ustart, i - ustart);
    if (uname.empty()) {
      return unexpected(
          fmt::format("'{}' is not a duration: missing unit after {} (use ns, us, ms, s, m or h)", text, number));
    }
    const unit* found = nullptr;
    for (const auto& u : units) {
      if (u.name == uname) found = &u;
    }
    if (found == nullptr) {
      return unexpected(
          fmt::format("'{}' is not a duration: unknown unit '{}' (use ns, us, ms, s, m or h)", text, uname));
    }
    total += std::stold(number) * static_cast<long double>(found->ns);
    if (total > static_cast<long double>(std::numeric_limits<std::int64_t>::max()) / 2) {
      return unexpected(fmt::format("'{}' is too long a duration", text));
    }
  }
  auto ns = static_cast<std::int64_t>(total + 0.5L);
  if (static_cast<long double>(ns) != total && (total - static_cast<long double>(ns)) > 1e-3L) {
    return unexpected(fmt::format("'{}' is finer than a nanosecond", text));
  }
  return duration(ns);
}

std::string format_duration(duration d) {
  std::int64_t ns = d.count();
  if (ns == 0) return "0s";
  // Largest unit that divides exactly; minutes and hours only when exact, to stay readable.
  for (auto it = units.rbegin(); it != units.rend(); ++it) {
    if (ns % it->ns == 0) return fmt::format("{}{}", ns / it->ns, it->name);
  }
  return fmt::format("{}ns", ns);
}

}  // namespace lbd

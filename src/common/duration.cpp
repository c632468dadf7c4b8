// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/duration.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <limits>

#include "common/quote.hpp"

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

// The longest duration: half of int64 nanoseconds (about 146 years), so sums and doubling a
// duration elsewhere cannot overflow.
constexpr std::int64_t max_ns = std::numeric_limits<std::int64_t>::max() / 2;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

using wide = unsigned __int128;

}  // namespace

// Exact: integer arithmetic on the digits, no floating point. "1.999999999999s" is refused as
// finer than a nanosecond, never rounded to 2s (which a whole-seconds rule would then accept).
result<duration, std::string> parse_duration(std::string_view text) {
  if (text.empty()) return unexpected(std::string("empty duration"));
  const std::string q = quote_value(text);
  std::size_t i = 0;
  wide total = 0;
  while (i < text.size()) {
    const std::size_t start = i;
    while (i < text.size() && (is_digit(text[i]) || text[i] == '.')) ++i;
    if (i == start) {
      return unexpected(fmt::format("{} is not a duration (expected a number then a unit, e.g. \"100ms\")", q));
    }
    const std::string_view number = text.substr(start, i - start);
    const auto dot = number.find('.');
    if (dot != number.rfind('.') || number.front() == '.' || number.back() == '.') {
      return unexpected(fmt::format("{} is not a duration: malformed number {}", q, quote_value(number)));
    }
    const std::size_t ustart = i;
    while (i < text.size() && is_alpha(text[i])) ++i;
    const std::string_view uname = text.substr(ustart, i - ustart);
    if (uname.empty()) {
      return unexpected(fmt::format("{} is not a duration: missing unit after {} (use ns, us, ms, s, m or h)", q,
                                    quote_value(number)));
    }
    const unit* found = nullptr;
    for (const auto& u : units) {
      if (u.name == uname) found = &u;
    }
    if (found == nullptr) {
      return unexpected(
          fmt::format("{} is not a duration: unknown unit {} (use ns, us, ms, s, m or h)", q, quote_value(uname)));
    }
    std::string_view whole = number.substr(0, dot);
    std::string_view fraction = dot == std::string_view::npos ? std::string_view() : number.substr(dot + 1);
    while (whole.size() > 1 && whole.front() == '0') whole.remove_prefix(1);
    while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
    if (whole.size() > 19) return unexpected(fmt::format("{} is too long a duration", q));
    wide w = 0;
    for (char c : whole) w = w * 10 + static_cast<unsigned>(c - '0');
    w *= static_cast<wide>(found->ns);
    // fraction * unit.ns must be a whole number of 10^digits: 9 decimals of a second at most, 6 of
    // a millisecond. Past 13 significant decimals no unit can be exact (1h = 2^13 * 3^2 * 5^11 ns, and
    // a fraction not ending in 0 brings factors of 2 or of 5, not both), which also bounds the digits.
    if (fraction.size() > 13) return unexpected(fmt::format("{} is finer than a nanosecond", q));
    wide f = 0;
    wide scale = 1;
    for (char c : fraction) {
      f = f * 10 + static_cast<unsigned>(c - '0');
      scale *= 10;
    }
    f *= static_cast<wide>(found->ns);
    if (f % scale != 0) return unexpected(fmt::format("{} is finer than a nanosecond", q));
    total += w + f / scale;
    if (total > static_cast<wide>(max_ns)) return unexpected(fmt::format("{} is too long a duration", q));
  }
  return duration(static_cast<std::int64_t>(total));
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

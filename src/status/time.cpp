// SPDX-License-Identifier: GPL-2.0-or-later
#include "status/time.hpp"

#include <charconv>
#include <ctime>
#include <string>

#include "status/json_fields.hpp"

namespace lbd::api {
namespace {

bool read_number(std::string_view s, std::size_t pos, std::size_t len, int& out) {
  if (pos + len > s.size()) return false;
  auto [p, ec] = std::from_chars(s.data() + pos, s.data() + pos + len, out);
  return ec == std::errc() && p == s.data() + pos + len;
}

}  // namespace

std::optional<timestamp> parse_rfc3339(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm|-hh:mm)
  std::tm tm{};
  int year = 0;
  int month = 0;
  if (!read_number(s, 0, 4, year) || s.size() < 20 || s[4] != '-' || !read_number(s, 5, 2, month) || s[7] != '-' ||
      !read_number(s, 8, 2, tm.tm_mday) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !read_number(s, 11, 2, tm.tm_hour) || s[13] != ':' || !read_number(s, 14, 2, tm.tm_min) || s[16] != ':' ||
      !read_number(s, 17, 2, tm.tm_sec)) {
    return std::nullopt;
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  std::size_t pos = 19;
  std::chrono::microseconds fraction{0};
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::int64_t scale = 100000;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      fraction += std::chrono::microseconds((s[pos] - '0') * scale);
      scale /= 10;
      ++pos;
    }
  }
  int offset_minutes = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int hh = 0;
    int mm = 0;
    if (pos + 6 > s.size() || !read_number(s, pos + 1, 2, hh) || s[pos + 3] != ':' || !read_number(s, pos + 4, 2, mm)) {
      return std::nullopt;
    }
    offset_minutes = (s[pos] == '+' ? 1 : -1) * (hh * 60 + mm);
    pos += 6;
  } else {
    return std::nullopt;
  }
  // The clock counts nanoseconds in 64 bits: years 1678-2262 only.
  if (pos != s.size() || month < 1 || month > 12 || year < 1900 || year > 2200) return std::nullopt;
  auto t = ::timegm(&tm);
  if (t == -1) return std::nullopt;
  return std::chrono::system_clock::from_time_t(t) - std::chrono::minutes(offset_minutes) +
         std::chrono::duration_cast<timestamp::duration>(fraction);
}

namespace detail {

timestamp parse_time(const nlohmann::json& j, std::string_view key) {
  const auto text = get<std::string>(j, key);
  const auto t = parse_rfc3339(text);
  if (!t) throw contract_error(fmt::format("\"{}\": \"{}\" is not an RFC 3339 time", key, text));
  return *t;
}

std::optional<timestamp> parse_optional_time(const nlohmann::json& j, std::string_view key) {
  std::optional<std::string> text;
  get_to(j, key, text);
  if (!text) return std::nullopt;
  return parse_time(j, key);
}

}  // namespace detail
}  // namespace lbd::api

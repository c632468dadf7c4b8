// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl/view/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <ctime>

namespace lbd::ctl::view {

std::string text(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number() || it->is_boolean()) return it->dump();
  return {};
}

std::optional<std::int64_t> integer(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  if (it->is_number_float()) return static_cast<std::int64_t>(it->get<double>());
  return it->get<std::int64_t>();
}

bool flag(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return false;
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

namespace {
const nlohmann::json& empty_array() {
  static const nlohmann::json a = nlohmann::json::array();
  return a;
}
const nlohmann::json& empty_object() {
  static const nlohmann::json o = nlohmann::json::object();
  return o;
}

bool read_number(std::string_view s, std::size_t pos, std::size_t len, int& out) {
  if (pos + len > s.size()) return false;
  auto [p, ec] = std::from_chars(s.data() + pos, s.data() + pos + len, out);
  return ec == std::errc() && p == s.data() + pos + len;
}
}  // namespace

const nlohmann::json& array(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return empty_array();
  auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : empty_array();
}

const nlohmann::json& object(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return empty_object();
  auto it = j.find(key);
  return it != j.end() && it->is_object() ? *it : empty_object();
}

std::optional<clock_point> parse_rfc3339(std::string_view s) {
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
    if (!read_number(s, pos + 1, 2, hh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !read_number(s, pos + 4, 2, mm)) {
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
         std::chrono::duration_cast<clock_point::duration>(fraction);
}

std::string span(std::chrono::seconds d) {
  auto s = d.count();
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m", s / 60);
  if (s < 86400)
    return s % 3600 / 60 == 0 ? fmt::format("{}h", s / 3600) : fmt::format("{}h{}m", s / 3600, s % 3600 / 60);
  return s % 86400 / 3600 == 0 ? fmt::format("{}d", s / 86400) : fmt::format("{}d{}h", s / 86400, s % 86400 / 3600);
}

std::string ago(clock_point then, clock_point now) {
  auto d = std::chrono::duration_cast<std::chrono::seconds>(now - then);
  if (d.count() < -1) return "in the future";
  if (d.count() < 1) return "just now";
  return span(d) + " ago";
}

std::string ago_of(const nlohmann::json& j, std::string_view key, clock_point now) {
  auto t = parse_rfc3339(text(j, key));
  return t ? ago(*t, now) : std::string();
}

std::string table::render(std::string_view indent) const {
  std::vector<std::size_t> width;
  for (const auto& row : rows_) {
    if (width.size() < row.size()) width.resize(row.size(), 0);
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows_) {
    std::string line(indent);
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line.append(width[i] - row[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  }
  return out;
}

}  // namespace lbd::ctl::view

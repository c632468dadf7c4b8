// SPDX-License-Identifier: GPL-2.0-or-later
#include "import/toml_writer.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>

namespace lbd::import {

std::string toml_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += fmt::format("\\u{:04X}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string toml_string_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += toml_string(items[i]);
  }
  return out + "]";
}

std::string toml_inline_table(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out = "{ ";
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ", ";
    out += fields[i].first + " = " + fields[i].second;
  }
  return out + " }";
}

std::string seconds_to_duration(const std::string& seconds) {
  char* end = nullptr;
  double v = std::strtod(seconds.c_str(), &end);
  if (seconds.empty() || end == nullptr || *end != '\0' || v < 0 || !std::isfinite(v)) return {};
  auto ms = static_cast<long long>(std::llround(v * 1000.0));
  if (ms % 1000 == 0) return fmt::format("{}s", ms / 1000);
  return fmt::format("{}ms", ms);
}

std::vector<std::string> split_command(const std::string& line) {
  std::vector<std::string> out;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (char c : line) {
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else {
        word += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t') {
      if (in_word) out.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) out.push_back(word);
  return out;
}

}  // namespace lbd::import

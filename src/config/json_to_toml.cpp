// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/json_to_toml.hpp"

#include <fmt/format.h>

#include <limits>
#include <nlohmann/json.hpp>

namespace lbd::config::detail {
namespace {

using json = nlohmann::json;

// Converts `j` and hands the TOML value to `put`, which inserts it into the parent table or array.
template <typename Put>
bool convert(const json& j, const std::string& where, std::string& why, Put&& put);

bool fill_table(const json& j, const std::string& where, std::string& why, toml::table& t) {
  for (const auto& [k, v] : j.items()) {
    const std::string& key = k;
    std::string path = where;
    if (!path.empty()) path += '.';
    path += key;
    if (!convert(v, path, why, [&](auto&& value) { t.insert(key, std::forward<decltype(value)>(value)); })) {
      return false;
    }
  }
  return true;
}

bool fill_array(const json& j, const std::string& where, std::string& why, toml::array& a) {
  for (std::size_t i = 0; i < j.size(); ++i) {
    if (!convert(j[i], fmt::format("{}[{}]", where, i), why,
                 [&](auto&& value) { a.push_back(std::forward<decltype(value)>(value)); })) {
      return false;
    }
  }
  return true;
}

template <typename Put>
bool convert(const json& j, const std::string& where, std::string& why, Put&& put) {
  switch (j.type()) {
    case json::value_t::object: {
      toml::table t;
      if (!fill_table(j, where, why, t)) return false;
      put(std::move(t));
      return true;
    }
    case json::value_t::array: {
      toml::array a;
      if (!fill_array(j, where, why, a)) return false;
      put(std::move(a));
      return true;
    }
    case json::value_t::string: put(j.get<std::string>()); return true;
    case json::value_t::boolean: put(j.get<bool>()); return true;
    case json::value_t::number_integer: put(j.get<std::int64_t>()); return true;
    case json::value_t::number_unsigned: {
      auto u = j.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        why = fmt::format("{}: {} is too large for lbd.conf", where, u);
        return false;
      }
      put(static_cast<std::int64_t>(u));
      return true;
    }
    case json::value_t::number_float: put(j.get<double>()); return true;
    default: why = fmt::format("{}: null and binary values have no TOML equivalent", where); return false;
  }
}

}  // namespace

std::optional<toml::table> json_to_toml(std::string_view text, std::string& why) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) {
    why = "not valid JSON";
    return std::nullopt;
  }
  if (!j.is_object()) {
    why = "the top level must be a JSON object";
    return std::nullopt;
  }
  toml::table root;
  if (!fill_table(j, "", why, root)) return std::nullopt;
  return root;
}

}  // namespace lbd::config::detail

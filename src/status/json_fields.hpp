// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// How the answers' to_json/from_json read and write members: a required member that is missing or
// of the wrong kind is a contract_error naming it; a nullable one may be null or absent; members a
// reader does not know are ignored. Enums travel as their words and parse strictly.
#include <fmt/format.h>

#include <array>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "common/time_format.hpp"
#include "status/protocol.hpp"
#include "status/time.hpp"

namespace lbd::api::detail {

template <typename E, std::size_t N>
using word_table = std::array<std::pair<E, std::string_view>, N>;

template <typename E, std::size_t N>
std::string_view word_of(const word_table<E, N>& words, E v) {
  for (const auto& [value, word] : words) {
    if (value == v) return word;
  }
  return "?";
}

template <typename E, std::size_t N>
E parse_word(const word_table<E, N>& words, std::string_view what, std::string_view s) {
  std::string known;
  for (const auto& [value, word] : words) {
    if (word == s) return value;
    known += known.empty() ? "" : ", ";
    known += word;
  }
  throw contract_error(fmt::format("unknown {} \"{}\" (expected one of: {})", what, s, known));
}

// Member `key` converted to T; the error names the member.
template <typename T>
T get(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) throw contract_error(fmt::format("expected an object holding \"{}\"", key));
  const auto it = j.find(key);
  if (it == j.end()) throw contract_error(fmt::format("missing \"{}\"", key));
  // nlohmann would read true as 1 and -1 as a huge unsigned.
  if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) {
    if (!it->is_number()) throw contract_error(fmt::format("\"{}\" must be a number, not {}", key, it->type_name()));
    if constexpr (std::is_unsigned_v<T>) {
      if (!it->is_number_unsigned())
        throw contract_error(fmt::format("\"{}\" must be a non-negative integer, not {}", key, it->dump()));
    }
  }
  try {
    return it->template get<T>();
  } catch (const nlohmann::json::exception& e) {
    throw contract_error(fmt::format("\"{}\": {}", key, e.what()));
  } catch (const contract_error& e) {
    throw contract_error(fmt::format("\"{}\": {}", key, e.what()));
  }
}

template <typename T>
void get_to(const nlohmann::json& j, std::string_view key, T& out) {
  out = get<T>(j, key);
}

// A nullable member: null or absent reads as nothing.
template <typename T>
void get_to(const nlohmann::json& j, std::string_view key, std::optional<T>& out) {
  if (!j.is_object()) throw contract_error(fmt::format("expected an object holding \"{}\"", key));
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    out.reset();
    return;
  }
  out = get<T>(j, key);
}

template <typename T>
nlohmann::json nullable(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

timestamp parse_time(const nlohmann::json& j, std::string_view key);
std::optional<timestamp> parse_optional_time(const nlohmann::json& j, std::string_view key);

}  // namespace lbd::api::detail

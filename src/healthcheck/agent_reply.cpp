// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/agent_reply.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <utility>

#include "common/ascii_case.hpp"

namespace lbd::healthcheck {
namespace {

bool is_separator(char c) { return c == ' ' || c == '\t' || c == ','; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A decimal number of at most 9 digits (no sign, no overflow), the whole of `s`.
std::optional<std::uint64_t> decimal(std::string_view s) {
  if (s.empty() || s.size() > 9 || !std::all_of(s.begin(), s.end(), is_digit)) return std::nullopt;
  std::uint64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

constexpr std::array<std::pair<std::string_view, agent_admin>, 3> admin_words{{
    {"ready", agent_admin::ready},
    {"drain", agent_admin::drain},
    {"maint", agent_admin::maint},
}};
constexpr std::array<std::pair<std::string_view, agent_operational>, 4> operational_words{{
    {"up", agent_operational::up},
    {"down", agent_operational::down},
    {"stopped", agent_operational::stopped},
    {"fail", agent_operational::fail},
}};

// Applies one word to `r`; false when it is not understood.
bool apply_word(std::string_view w, agent_reply& r) {
  for (const auto& [name, a] : admin_words) {
    if (iequals(w, name)) {
      r.admin = a;
      return true;
    }
  }
  for (const auto& [name, o] : operational_words) {
    if (iequals(w, name)) {
      r.operational = o;
      return true;
    }
  }
  if (w.size() >= 2 && w.back() == '%') {
    const auto v = decimal(w.substr(0, w.size() - 1));
    if (!v) return false;
    r.weight_percent = static_cast<unsigned>(std::min<std::uint64_t>(*v, max_agent_weight_percent));
    return true;
  }
  constexpr std::string_view maxconn = "maxconn:";
  if (w.size() > maxconn.size() && iequals(w.substr(0, maxconn.size()), maxconn)) {
    const auto v = decimal(w.substr(maxconn.size()));
    if (!v || *v > std::numeric_limits<std::uint32_t>::max()) return false;
    r.maxconn = static_cast<std::uint32_t>(*v);
    return true;
  }
  return false;
}

agent_parse_result failed(agent_reply_error e, std::string reason) { return {std::nullopt, e, std::move(reason)}; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view to_string(agent_admin a) {
  switch (a) {
    case agent_admin::ready: return "ready";
    case agent_admin::drain: return "drain";
    case agent_admin::maint: return "maint";
  }
  return "?";
}

std::string_view to_string(agent_operational o) {
  switch (o) {
    case agent_operational::up: return "up";
    case agent_operational::down: return "down";
    case agent_operational::stopped: return "stopped";
    case agent_operational::fail: return "fail";
  }
  return "?";
}

std::string_view to_string(agent_reply_error e) {
  switch (e) {
    case agent_reply_error::none: return "none";
    case agent_reply_error::empty: return "empty";
    case agent_reply_error::too_long: return "too_long";
    case agent_reply_error::bad_byte: return "bad_byte";
    case agent_reply_error::nothing_understood: return "nothing_understood";
  }
  return "?";
}

std::size_t agent_line_end(std::string_view received) { return received.find_first_of("\r\n"); }

agent_parse_result parse_agent_reply(std::string_view received) {
  const std::string_view line = received.substr(0, agent_line_end(received));
  if (line.size() > max_agent_line) {
    return failed(agent_reply_error::too_long, fmt::format("agent reply longer than {} bytes", max_agent_line));
  }
  for (const char c : line) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u >= 0x7f) {
      return failed(agent_reply_error::bad_byte, fmt::format("agent reply holds the byte 0x{:02x}", u));
    }
  }
  const std::size_t hash = line.find('#');
  const std::string_view words = line.substr(0, hash);
  agent_reply r;
  if (hash != std::string_view::npos) r.description = std::string(trim(line.substr(hash + 1)));
  bool understood = false;
  bool any_word = false;
  std::size_t pos = 0;
  while (pos < words.size()) {
    while (pos < words.size() && is_separator(words[pos])) ++pos;
    std::size_t end = pos;
    while (end < words.size() && !is_separator(words[end])) ++end;
    if (end == pos) break;
    const std::string_view w = words.substr(pos, end - pos);
    any_word = true;
    if (apply_word(w, r)) {
      understood = true;
    } else if (r.unknown.empty()) {
      r.unknown = std::string(w);
    }
    pos = end;
  }
  if (!understood) {
    if (!any_word && r.description.empty()) return failed(agent_reply_error::empty, "empty agent reply");
    return failed(agent_reply_error::nothing_understood,
                  r.unknown.empty() ? std::string("agent reply without a word understood")
                                    : fmt::format("agent reply without a word understood (\"{}\")", r.unknown));
  }
  return {std::move(r), agent_reply_error::none, {}};
}

}  // namespace lbd::healthcheck

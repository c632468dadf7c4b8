// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The reply of an agent check (HAProxy's agent-check protocol), pure: the agent on the real
// server writes one ASCII line, ended by CR, LF or the close of the connection, of words
// separated by spaces, tabs or commas, in any order, optionally followed by `#` and a
// description:
//
//   75%          weight: a percentage of the server's configured weight
//   maxconn:30   connection limit (0: none)
//   ready        administrative state: cancels drain and maint
//   drain        administrative state: no new connections, the current ones continue
//   maint        administrative state: no connections at all
//   up           operational state: up, if the health checks say so too
//   down, stopped, fail   operational state: down (the word says why)
//
// Keywords are case-insensitive. When a kind of word appears twice the last one counts. Words
// not understood are reported (the first one) and the others still apply, as HAProxy does; a
// line without any word understood is an error. Strict bounds: a line of more than
// max_agent_line bytes, or with a byte that is not printable ASCII or a tab, is an error.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lbd::healthcheck {

// Longest line accepted, without its CR/LF (HAProxy reads one buffer; agents send a few words).
inline constexpr std::size_t max_agent_line = 512;
// Largest percentage kept; HAProxy caps at the same value.
inline constexpr unsigned max_agent_weight_percent = 25600;

enum class agent_admin : std::uint8_t { ready, drain, maint };
enum class agent_operational : std::uint8_t { up, down, stopped, fail };
std::string_view to_string(agent_admin a);
std::string_view to_string(agent_operational o);

struct agent_reply {
  std::optional<unsigned> weight_percent;  // capped at max_agent_weight_percent
  std::optional<agent_admin> admin;
  std::optional<agent_operational> operational;
  std::optional<std::uint32_t> maxconn;
  std::string description;  // after '#', spaces around it trimmed
  std::string unknown;      // the first word not understood, empty when none
  friend bool operator==(const agent_reply&, const agent_reply&) = default;
};

enum class agent_reply_error : std::uint8_t { none, empty, too_long, bad_byte, nothing_understood };
std::string_view to_string(agent_reply_error e);

struct agent_parse_result {
  std::optional<agent_reply> reply;  // set when error == none
  agent_reply_error error = agent_reply_error::none;
  std::string reason;  // for humans, when error != none
};

// Where the line of `received` ends: the index of its first CR or LF, or npos when none came yet.
std::size_t agent_line_end(std::string_view received);

// Parses the line at the start of `received` (up to its first CR or LF, else all of it: the
// agent closed the connection after it).
agent_parse_result parse_agent_reply(std::string_view received);

}  // namespace lbd::healthcheck

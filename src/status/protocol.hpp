// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The control protocol's envelope and version. Every answer is one JSON object:
//   {"version": "1.0", "ok": true, "result": <the command's answer>}
//   {"version": "1.0", "ok": false, "error": "why"}
// The major version changes when a field is removed, renamed or changes type, or an enum gains a
// value; the minor one when fields are added. A reader accepts its own major version with any minor
// one and ignores the fields it does not know.
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace lbd::api {

// An answer that does not follow the contract: a missing field, a value of the wrong kind, an enum
// word this side does not know, a version it does not speak.
struct contract_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct protocol_version {
  unsigned major = 0;
  unsigned minor = 0;
  friend bool operator==(const protocol_version&, const protocol_version&) = default;
};

inline constexpr protocol_version current_version{1, 5};

std::string to_string(protocol_version v);
// "1.0"; nothing else (no spaces, no third part, no sign).
result<protocol_version, std::string> parse_version(std::string_view s);

// The envelopes the daemon sends.
nlohmann::json answer(nlohmann::json result);
nlohmann::json refusal(std::string_view error);

// What a reader makes of a reply line.
struct reply {
  bool ok = false;
  nlohmann::json result;  // when ok
  std::string error;      // when not
};

// Checks the envelope and the version: a major version other than `known.major` (or none at all)
// is a contract_error naming both, so that the operator knows which side to upgrade.
reply open_reply(const nlohmann::json& j, protocol_version known = current_version);

}  // namespace lbd::api

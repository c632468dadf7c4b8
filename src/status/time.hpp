// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Times on the wire: RFC 3339 in UTC with milliseconds ("2026-11-21T09:27:34.120Z"); a reader also
// takes other fractions and "+hh:mm" offsets.
#include <chrono>
#include <optional>
#include <string_view>

namespace lbd::api {

using timestamp = std::chrono::system_clock::time_point;

// "2026-11-21T09:27:34Z", with optional fraction and "+hh:mm" offset; nothing else.
std::optional<timestamp> parse_rfc3339(std::string_view s);

}  // namespace lbd::api

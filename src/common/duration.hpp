// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Durations as lbd.conf writes them: "100ms", "2s", "5m", "1m30s", "1.5s". Units: ns us ms s m h.
#include <chrono>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace lbd {

using duration = std::chrono::nanoseconds;

result<duration, std::string> parse_duration(std::string_view text);

// Shortest exact spelling, e.g. 1500ms -> "1500ms", 2s -> "2s", 90s -> "90s", 0 -> "0s".
std::string format_duration(duration d);

}  // namespace lbd

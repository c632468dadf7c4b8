// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The operator's overrides (lbctl drain, weight) as the text of lbd's state file (`lbd
// --state-file`), so that they outlive a restart or an upgrade of the package, and back. Pure; the
// runtime reads and writes the file (common/text_file.hpp).
//   {"version": 1, "overrides": [{"service": "web", "server": "10.0.1.11:80", "kind": "drain"},
//                                {"service": "web", "server": "10.0.1.12:80", "kind": "weight", "weight": 5}],
//    "slow_starts": [{"service": "web", "server": "10.0.1.13:80", "since_unix_ms": 1796000000000,
//                     "window_ms": 60000}]}
// Slow starts under way are kept by the wall clock, so that a restart takes a ramp up where it was.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "daemon/services/overrides.hpp"

namespace lbd::daemon {

// A larger file is refused unread: no configuration has that many real servers.
inline constexpr std::size_t override_file_max_bytes = std::size_t{16} << 20;

struct kept_ramp {
  server_ref server;
  std::chrono::system_clock::time_point since;
  std::chrono::milliseconds window{};
  friend bool operator==(const kept_ramp&, const kept_ramp&) = default;
};

struct kept_state {
  overrides ovr;
  std::vector<kept_ramp> ramps;
};

std::string encode_overrides(const overrides& o, const std::vector<kept_ramp>& ramps = {});
// What the text holds; an error names the first problem ("overrides[2].kind: 'x' is not drain or
// weight"), and then nothing is taken. A file without "slow_starts" (older lbd) has no ramp.
result<kept_state, std::string> decode_state(std::string_view text);
result<overrides, std::string> decode_overrides(std::string_view text);

}  // namespace lbd::daemon

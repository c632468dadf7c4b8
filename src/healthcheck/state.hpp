// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The queryable state of one check (and so of the real server it watches), for subscribers,
// lbctl and metrics.
#include <cstdint>
#include <optional>
#include <string_view>

#include "healthcheck/prober.hpp"
#include "healthcheck/scheduler.hpp"
#include "healthcheck/thresholds.hpp"

namespace lbd::healthcheck {

// pending: no result yet, the server is assumed to be in its configured initial state.
enum class status : std::uint8_t { up, down, pending };
std::string_view to_string(status s);

struct server_state {
  status current = status::pending;
  health assumed = health::down;  // the state used for decisions (initial state while pending)
  std::optional<probe_result> last;
  std::uint32_t consecutive_ok = 0;
  std::uint32_t consecutive_fail = 0;
  std::uint64_t probes = 0;
  std::optional<time_point> last_change;
  std::optional<unsigned> weight;  // last dynamic weight reported
  duration start_lateness{0};      // how late the last probe started against its schedule
};

}  // namespace lbd::healthcheck

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// RFC timer maths, pure. Units live in the types.
//
// VRRPv3 (RFC 5798 6.1):
//   Skew_Time            = ((256 - Priority) * Master_Adver_Interval) / 256
//   Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time
// with Master_Adver_Interval in centiseconds as carried in the advert. The RFC writes the division
// without saying whether it truncates to whole centiseconds. We compute it exactly, in nanoseconds
// (truncating below 1 ns), as keepalived does (it works in microseconds): truncating to centiseconds
// would make Skew_Time 0 for every priority above 230 at a 10 cs interval and so lose the
// tie-breaking role of skew. Example: priority 100, 10 cs -> Skew 60.9375 ms, MDI 360.9375 ms.
//
// VRRPv2 (RFC 3768 6.1): Skew_Time = (256 - Priority) / 256 seconds, independent of the interval;
//   Master_Down_Interval = 3 * Advertisement_Interval + Skew_Time. Priority 100, 1 s -> 3.609375 s.
#include <chrono>
#include <cstdint>

#include "vrrp/types.hpp"

namespace lbd::vrrp {

struct timer_values {
  std::chrono::nanoseconds master_adver_interval{};
  std::chrono::nanoseconds skew_time{};
  std::chrono::nanoseconds master_down_interval{};
  friend bool operator==(const timer_values&, const timer_values&) = default;
};

// `priority` is the local priority (of the backup computing its timers).
timer_values compute_timers(version v, std::uint8_t priority, centiseconds master_adver_interval);

inline std::chrono::nanoseconds skew_time(version v, std::uint8_t priority, centiseconds master_adver_interval) {
  return compute_timers(v, priority, master_adver_interval).skew_time;
}
inline std::chrono::nanoseconds master_down_interval(version v, std::uint8_t priority,
                                                     centiseconds master_adver_interval) {
  return compute_timers(v, priority, master_adver_interval).master_down_interval;
}

}  // namespace lbd::vrrp

// SPDX-License-Identifier: GPL-2.0-or-later
#include "vrrp/timers.hpp"

namespace lbd::vrrp {

timer_values compute_timers(version v, std::uint8_t priority, centiseconds master_adver_interval) {
  using std::chrono::nanoseconds;
  const auto interval = std::chrono::duration_cast<nanoseconds>(master_adver_interval);
  const auto weight = static_cast<std::int64_t>(256 - priority);  // 1..256
  timer_values t;
  t.master_adver_interval = interval;
  if (v == version::v3) {
    t.skew_time = nanoseconds(weight * interval.count() / 256);
  } else {
    t.skew_time = nanoseconds(weight * std::chrono::duration_cast<nanoseconds>(std::chrono::seconds(1)).count() / 256);
  }
  t.master_down_interval = 3 * interval + t.skew_time;
  return t;
}

}  // namespace lbd::vrrp

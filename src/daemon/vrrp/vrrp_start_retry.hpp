// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// When to try again to start a VRRP instance that could not start (its interface does not exist
// yet, has no address yet...): soon at first, so an interface that appears a moment after the
// daemon (a VLAN or bond brought up in parallel) costs little, then every few seconds, which a
// netlink dump and a socket per attempt make cheap.
#include <algorithm>
#include <chrono>

namespace lbd::daemon {

// attempt 0 is the first retry: 1 s, 2 s, 4 s, then 5 s for ever.
constexpr std::chrono::milliseconds vrrp_start_retry_delay(unsigned attempt) {
  constexpr std::chrono::milliseconds first{1000};
  constexpr std::chrono::milliseconds most{5000};
  return attempt >= 3 ? most : std::min(most, first * (1U << attempt));
}

}  // namespace lbd::daemon

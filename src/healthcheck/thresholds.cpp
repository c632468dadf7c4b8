// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/thresholds.hpp"

#include <cstdlib>

namespace lbd::healthcheck {

std::string_view to_string(health h) { return h == health::up ? "up" : "down"; }

std::string_view to_string(transition t) {
  switch (t) {
    case transition::unchanged: return "unchanged";
    case transition::pending: return "pending";
    case transition::changed: return "changed";
  }
  return "?";
}

thresholds::thresholds(threshold_config cfg) : cfg_(cfg), state_(cfg.initial) {
  // A zero threshold would mean "change before any evidence": a config bug, caught by validation.
  if (cfg_.rise == 0 || cfg_.fall == 0) std::abort();
}

transition thresholds::on_result(bool ok) {
  if (ok) {
    consecutive_fail_ = 0;
    if (consecutive_ok_ < UINT32_MAX) ++consecutive_ok_;
  } else {
    consecutive_ok_ = 0;
    if (consecutive_fail_ < UINT32_MAX) ++consecutive_fail_;
  }
  confirmed_ = true;
  const health seen = ok ? health::up : health::down;
  if (seen == state_) return transition::unchanged;
  const unsigned needed = ok ? cfg_.rise : cfg_.fall;
  const std::uint32_t have = ok ? consecutive_ok_ : consecutive_fail_;
  if (have >= needed) {
    state_ = seen;
    return transition::changed;
  }
  return transition::pending;
}

}  // namespace lbd::healthcheck

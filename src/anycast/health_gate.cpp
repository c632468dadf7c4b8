// SPDX-License-Identifier: GPL-2.0-or-later
#include "anycast/health_gate.hpp"

#include <fmt/format.h>

namespace lbd::anycast {

namespace {

// Live share in per cent, rounded down: 74.9% does not reach a 75% watermark.
std::uint64_t share_percent(std::uint64_t live, std::uint64_t configured) {
  if (configured == 0) return 0;
  return live * 100 / configured;
}

}  // namespace

std::optional<gate_change> health_gate::update(std::uint64_t live_weight, std::uint64_t configured_weight) {
  if (stopped_) return std::nullopt;
  const auto share = share_percent(live_weight, configured_weight);
  if (!announced_) {
    if (live_weight == 0 || share < marks_.high_percent) return std::nullopt;
    announced_ = true;
    return gate_change{true, fmt::format("live weight {} of {} ({}%) reached the high watermark {}%", live_weight,
                                         configured_weight, share, marks_.high_percent)};
  }
  if (live_weight == 0) {
    announced_ = false;
    return gate_change{false, fmt::format("no live weight (0 of {})", configured_weight)};
  }
  if (share < marks_.low_percent) {
    announced_ = false;
    return gate_change{false, fmt::format("live weight {} of {} ({}%) fell below the low watermark {}%", live_weight,
                                          configured_weight, share, marks_.low_percent)};
  }
  return std::nullopt;
}

std::optional<gate_change> health_gate::stop() {
  stopped_ = true;
  if (!announced_) return std::nullopt;
  announced_ = false;
  return gate_change{false, "lbd is stopping"};
}

}  // namespace lbd::anycast

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Whether a VIP announced over BGP should be announced, from the live weight of its services, with
// hysteresis (Seesaw's watermarks): announce once the live share reaches the high watermark,
// withdraw once it falls below the low one, and in between keep what was decided. Without the
// band, a service flapping around one threshold would make every upstream router reconverge (and
// rehash ECMP) at each flap. Pure: the caller feeds weights and acts on the decisions.
#include <cstdint>
#include <optional>
#include <string>

namespace lbd::anycast {

// Shares of the configured weight, in per cent, low <= high. With both at 0 a VIP is announced
// while any real server has live weight.
struct watermarks {
  unsigned low_percent = 0;
  unsigned high_percent = 0;
};

struct gate_change {
  bool announce = false;
  std::string reason;
};

class health_gate {
 public:
  // `announced`: the decision a reload keeps when only the watermarks change.
  explicit health_gate(watermarks w, bool announced = false) : marks_(w), announced_(announced) {}

  // The services' live and configured weights (summed over their real servers) now; a change of
  // decision, with its reason, or nothing. A stopped gate never announces again.
  std::optional<gate_change> update(std::uint64_t live_weight, std::uint64_t configured_weight);
  // Graceful stop: withdraw first, before the services go.
  std::optional<gate_change> stop();

  [[nodiscard]] bool announced() const { return announced_; }
  [[nodiscard]] const watermarks& marks() const { return marks_; }

 private:
  watermarks marks_;
  bool announced_ = false;
  bool stopped_ = false;
};

}  // namespace lbd::anycast

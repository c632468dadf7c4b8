// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Rise/fall thresholds: a pure state machine fed with probe outcomes. A server changes state only
// after `rise` consecutive successes (down -> up) or `fall` consecutive failures (up -> down); each
// result says explicitly whether it changed the state, counts towards a change, or changed nothing.
#include <cstdint>
#include <string_view>

namespace lbd::healthcheck {

enum class health : std::uint8_t { up, down };
std::string_view to_string(health h);

// What one result did to the state.
enum class transition : std::uint8_t {
  unchanged,  // the result agrees with the current state
  pending,    // the result disagrees, but the threshold is not reached yet
  changed,    // the threshold was reached: the state flipped with this result
};
std::string_view to_string(transition t);

struct threshold_config {
  unsigned rise = 1;              // consecutive successes to go down -> up (>= 1)
  unsigned fall = 1;              // consecutive failures to go up -> down (>= 1)
  health initial = health::down;  // assumed state until the first result confirms or moves it
  friend bool operator==(const threshold_config&, const threshold_config&) = default;
};

class thresholds {
 public:
  explicit thresholds(threshold_config cfg);

  transition on_result(bool ok);

  [[nodiscard]] health state() const { return state_; }
  // False until a result has been seen: the state is then only the configured assumption.
  [[nodiscard]] bool confirmed() const { return confirmed_; }
  [[nodiscard]] std::uint32_t consecutive_ok() const { return consecutive_ok_; }
  [[nodiscard]] std::uint32_t consecutive_fail() const { return consecutive_fail_; }
  [[nodiscard]] const threshold_config& config() const { return cfg_; }

 private:
  threshold_config cfg_;
  health state_;
  bool confirmed_ = false;
  std::uint32_t consecutive_ok_ = 0;
  std::uint32_t consecutive_fail_ = 0;
};

}  // namespace lbd::healthcheck

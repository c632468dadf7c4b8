// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Effective priority and fault from tracked interfaces and track scripts, pure. keepalived's
// semantics for weights: 0 = the object failing puts the instance in FAULT; > 0 = added to the
// priority while the object is up; < 0 = subtracted while it is down. Track scripts get rise/fall
// thresholds (keepalived has them only on some objects): a state flips after `rise` successes or
// `fall` failures in a row.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vrrp/events.hpp"

namespace lbd::vrrp {

struct tracked_interface {
  std::string name;
  int weight = 0;
};

struct tracked_script {
  std::string name;
  int weight = 0;
  unsigned rise = 1;
  unsigned fall = 1;
  bool initially_up = true;  // keepalived's default; false = "init_fail"
};

enum class threshold_change : std::uint8_t { unchanged, changed, pending };

// Consecutive-result threshold: flips to up after `rise` successes, to down after `fall` failures.
class rise_fall {
 public:
  rise_fall(unsigned rise, unsigned fall, bool up);
  threshold_change on_result(bool success);
  [[nodiscard]] bool up() const { return up_; }

 private:
  unsigned rise_;
  unsigned fall_;
  bool up_;
  unsigned streak_ = 0;  // results in a row that disagree with up_
};

struct tracking_state {
  bool fault = false;
  std::string fault_reason;  // first failing weight-0 object
  std::uint8_t priority = 0;
  friend bool operator==(const tracking_state&, const tracking_state&) = default;
};

class tracker {
 public:
  // `own_interface` is the instance's interface: its link going down is always a fault.
  tracker(std::uint8_t base_priority, std::string own_interface, std::vector<tracked_interface> interfaces,
          std::vector<tracked_script> scripts);

  // Returns false when `name` is not tracked.
  bool set_interface(std::string_view name, bool up);
  threshold_change script_result(std::string_view name, bool success);

  [[nodiscard]] tracking_state evaluate() const;

 private:
  struct iface {
    tracked_interface config;
    bool up = true;
  };
  struct script {
    tracked_script config;
    rise_fall threshold;
  };
  std::uint8_t base_priority_;
  std::string own_interface_;
  bool own_up_ = true;
  std::vector<iface> interfaces_;
  std::vector<script> scripts_;
};

// Events that take an instance from `before` to `after`: priority first, so that an instance
// leaving FAULT comes back with its new priority.
std::vector<event> tracking_events(const tracking_state& before, const tracking_state& after);

}  // namespace lbd::vrrp

// SPDX-License-Identifier: GPL-2.0-or-later
#include "vrrp/tracking.hpp"

#include <algorithm>

namespace lbd::vrrp {

rise_fall::rise_fall(unsigned rise, unsigned fall, bool up)
    : rise_(std::max(rise, 1U)), fall_(std::max(fall, 1U)), up_(up) {}

threshold_change rise_fall::on_result(bool success) {
  if (success == up_) {
    streak_ = 0;
    return threshold_change::unchanged;
  }
  ++streak_;
  if (streak_ >= (up_ ? fall_ : rise_)) {
    up_ = success;
    streak_ = 0;
    return threshold_change::changed;
  }
  return threshold_change::pending;
}

tracker::tracker(std::uint8_t base_priority, std::string own_interface, std::vector<tracked_interface> interfaces,
                 std::vector<tracked_script> scripts)
    : base_priority_(base_priority), own_interface_(std::move(own_interface)) {
  for (auto& i : interfaces) interfaces_.push_back(iface{std::move(i), true});
  for (auto& s : scripts) {
    rise_fall t(s.rise, s.fall, s.initially_up);
    scripts_.push_back(script{std::move(s), t});
  }
}

bool tracker::set_interface(std::string_view name, bool up) {
  bool known = false;
  if (name == own_interface_) {
    own_up_ = up;
    known = true;
  }
  for (auto& i : interfaces_) {
    if (i.config.name == name) {
      i.up = up;
      known = true;
    }
  }
  return known;
}

threshold_change tracker::script_result(std::string_view name, bool success) {
  for (auto& s : scripts_) {
    if (s.config.name == name) return s.threshold.on_result(success);
  }
  return threshold_change::unchanged;
}

tracking_state tracker::evaluate() const {
  tracking_state st;
  int adjust = 0;
  auto apply = [&](int weight, bool up, const std::string& what) {
    if (weight == 0) {
      if (!up && !st.fault) {
        st.fault = true;
        st.fault_reason = what;
      }
    } else if ((weight > 0) == up) {
      adjust += weight;  // positive weights count while up, negative ones while down
    }
  };
  apply(0, own_up_, "interface " + own_interface_ + " down");
  for (const auto& i : interfaces_) apply(i.config.weight, i.up, "tracked interface " + i.config.name + " down");
  for (const auto& s : scripts_) apply(s.config.weight, s.threshold.up(), "track script " + s.config.name + " failed");
  // The owner keeps 255 only while nothing adjusts it; otherwise priorities stay inside 1..254, so a
  // weight can neither make a router the owner nor make it send "leaving" (0).
  if (adjust == 0) {
    st.priority = base_priority_;
  } else {
    st.priority = static_cast<std::uint8_t>(std::clamp(static_cast<int>(base_priority_) + adjust, 1, 254));
  }
  return st;
}

std::vector<event> tracking_events(const tracking_state& before, const tracking_state& after) {
  std::vector<event> out;
  if (after.priority != before.priority) out.emplace_back(ev::priority_changed{after.priority});
  if (after.fault && !before.fault) out.emplace_back(ev::fault_on{after.fault_reason});
  if (!after.fault && before.fault) out.emplace_back(ev::fault_off{});
  return out;
}

}  // namespace lbd::vrrp

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What the VRRP thread and the daemon's main loop tell each other: plain values, copied or moved
// across, never shared.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/model.hpp"
#include "vrrp/events.hpp"

namespace lbd::daemon {

// VRRP thread -> main loop: an instance changed state.
struct vrrp_transition {
  std::string instance;
  vrrp::state from = vrrp::state::init;
  vrrp::state to = vrrp::state::init;
  std::string reason;
  std::chrono::system_clock::time_point at;
};

// An instance's VIPs held for a master command (instance_runner::vip_hold): which instance, which hold.
struct vip_hold {
  std::string instance;
  std::uint64_t number = 0;
};

// VRRP thread -> main loop: the notify commands of one transition (vrrp_notify.hpp), for the hook
// runner: an instance's, or a sync group's (`sync_group` set, `instance` empty).
struct notify_request {
  std::string instance;
  std::string sync_group;
  vrrp::state to = vrrp::state::init;
  std::vector<config::argv> commands;
  // notify.master_wait: these instances hold their VIPs until the first command (the `master` one)
  // exits; the main loop then tells the VRRP thread (vrrp_thread::release_vips).
  std::vector<vip_hold> release_on_exit;
};

// VRRP thread -> main loop, on request: one [[vrrp]] instance as `lbctl vrrp` / `lbctl status`
// show it (vrrp_status.hpp turns it into JSON on the main loop).
struct vrrp_instance_view {
  config::vrrp_instance config;
  vrrp::state state = vrrp::state::init;
  std::uint8_t effective_priority = 0;
  std::string master;        // "" when unknown
  std::string fault_reason;  // "" when none
  // MASTER whose VIPs and gratuitous ARPs wait for its master command (notify.master_wait).
  bool vips_held = false;
  std::optional<vrrp_transition> last;
};

}  // namespace lbd::daemon

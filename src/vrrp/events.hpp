// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The state machine's inputs (events) and outputs (actions), as values. The I/O adapter turns
// sockets, timers and tracking into events and performs the actions in order.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/address.hpp"
#include "vrrp/packet.hpp"

namespace lbd::vrrp {

using clock = std::chrono::steady_clock;
using time_point = clock::time_point;

// `init` is RFC 5798's Initialize; `fault` is ours: a tracked resource failed.
enum class state : std::uint8_t { init, backup, master, fault };
std::string_view to_string(state s);     // "INIT", "BACKUP", "MASTER", "FAULT"
std::string_view metric_label(state s);  // "init", "backup", "master", "fault"

enum class timer_kind : std::uint8_t { master_down, advert, preempt_delay };
inline constexpr std::size_t timer_kind_count = 3;
std::string_view to_string(timer_kind k);

namespace ev {
// Leaves Initialize. `resume_master`: this router was MASTER a moment ago (a restarted lbd within its
// peers' Master_Down_Interval with the same configuration, vrrp/resume.hpp), so it continues as
// MASTER instead of waiting as BACKUP; `reason` says why.
struct startup {
  bool resume_master = false;
  std::string reason;
};
struct advert_received {
  vrrp::advert advert;
  ip_address source;  // the sender's primary address (IP source)
};
struct master_down_timer_expired {};
struct advert_timer_fired {};
struct preempt_delay_expired {};
struct priority_changed {
  std::uint8_t priority = 0;  // new effective priority, 1..255
};
struct fault_on {
  std::string reason;
};
struct fault_off {};
// Sync groups: another member moved, this one follows.
struct force_master {
  std::string reason;
};
struct force_backup {
  std::string reason;
};
struct shutdown {};
}  // namespace ev

using event = std::variant<ev::startup, ev::advert_received, ev::master_down_timer_expired, ev::advert_timer_fired,
                           ev::preempt_delay_expired, ev::priority_changed, ev::fault_on, ev::fault_off,
                           ev::force_master, ev::force_backup, ev::shutdown>;

namespace act {
struct send_advert {
  vrrp::advert advert;  // complete; priority 0 means "I am leaving"
  friend bool operator==(const send_advert&, const send_advert&) = default;
};
// Replaces any earlier arming of the same kind. `at` = now + after, for adapters with absolute timers.
struct arm_timer {
  timer_kind kind = timer_kind::advert;
  std::chrono::nanoseconds after{};
  time_point at{};
  friend bool operator==(const arm_timer&, const arm_timer&) = default;
};
struct cancel_timer {
  timer_kind kind = timer_kind::advert;
  friend bool operator==(const cancel_timer&, const cancel_timer&) = default;
};
struct add_vips {
  std::vector<prefix> vips;
  bool accept_mode = false;  // owner or accept_mode: packets to the VIPs are ours to accept
  friend bool operator==(const add_vips&, const add_vips&) = default;
};
struct remove_vips {
  std::vector<prefix> vips;
  friend bool operator==(const remove_vips&, const remove_vips&) = default;
};
// Gratuitous ARP (IPv4) or unsolicited NA with the override flag (IPv6) for every VIP.
struct send_garp {
  std::vector<prefix> vips;
  unsigned repeat = 1;
  std::chrono::nanoseconds interval{};
  std::chrono::nanoseconds refresh{};
  std::chrono::nanoseconds second_burst{};  // one more burst this long after the first (0: none)
  friend bool operator==(const send_garp&, const send_garp&) = default;
};
struct state_changed {
  state from = state::init;
  state to = state::init;
  std::string reason;
  friend bool operator==(const state_changed&, const state_changed&) = default;
};
}  // namespace act

using action = std::variant<act::send_advert, act::arm_timer, act::cancel_timer, act::add_vips, act::remove_vips,
                            act::send_garp, act::state_changed>;
using actions = std::vector<action>;

}  // namespace lbd::vrrp

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What one VRRP instance leaves behind under the runtime directory (/run/lbd) so that the next lbd
// knows (a) which VIPs this lbd added, for `lbd --release-vips` after a crash, and (b) whether a
// restart may resume as MASTER: the same router continuing, within the peers' Master_Down_Interval of
// its last advert, with an unchanged configuration. Pure: text in, values out; the clock is a value.
//
// The file is small text, one `key value` per line, written whole and renamed into place:
//   lbd-vrrp-state 1
//   instance web
//   identity 9f2c0d1e4b3a5c67        FNV-1a 64 of what decides the protocol (see identity_of)
//   role MASTER                      INIT, BACKUP, MASTER or FAULT
//   last_advert_ns 123456789000      CLOCK_MONOTONIC (steady_clock) of the last advert sent
//   advert_interval_cs 100
//   interface eth0
//   vip 192.0.2.10/24                one line per VIP lbd added (may be none)
// The parser accepts exactly this and nothing else: a torn, truncated or foreign file is an error,
// and an error means "no saved state" (normal Initialize), never a guess.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/address.hpp"
#include "common/result.hpp"
#include "vrrp/events.hpp"
#include "vrrp/instance_config.hpp"

namespace lbd::vrrp {

inline constexpr std::size_t saved_state_max_bytes = 16 * 1024;
inline constexpr std::size_t saved_state_max_vips = 256;

struct saved_state {
  std::string instance;
  std::uint64_t identity = 0;
  state role = state::init;
  time_point last_advert{};  // steady_clock: survives a process restart, not a reboot (nor does /run)
  centiseconds advert_interval{};
  std::string interface;
  std::vector<prefix> vips;  // added by lbd and, as far as it knows, still in the kernel
  friend bool operator==(const saved_state&, const saved_state&) = default;
};

std::string encode(const saved_state& s);
result<saved_state, std::string> parse_saved_state(std::string_view text);

// Everything whose change makes a saved MASTER role meaningless: a different VRID, priority, set of
// VIPs, interface, address or timing is a different router, which starts in Initialize.
std::uint64_t identity_of(const instance_config& c);

// The window in which a restarted master may resume: 3 x Advertisement_Interval, the part of every
// peer's Master_Down_Interval (3 x interval + Skew_Time) that does not depend on the peer's priority.
// Within it no backup can have declared the master down.
std::chrono::nanoseconds resume_window(centiseconds advert_interval);

struct resume_decision {
  bool resume_master = false;
  std::string reason;  // why (logged either way)
};

// After lbd died: how long its VIPs may stay in the kernel (an address lifetime, which the kernel
// enforces in whole seconds, up to ~250 ms late) so that a restart within the window finds them and
// no peer can hold them at the same time: until 500 ms before the window's end, rounded down.
// No value: remove them now (not MASTER, or less than a second left, as always at 100 ms adverts).
std::optional<std::chrono::seconds> release_hold(const saved_state& saved, time_point now);

// Resume MASTER only if the saved state is this instance's, MASTER, of the same identity, and its
// last advert is less than resume_window() before `now`.
resume_decision decide_resume(const saved_state& saved, const instance_config& config, time_point now);

}  // namespace lbd::vrrp

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Vocabulary shared by the VRRP codec, timers and state machine.
#include <chrono>
#include <cstdint>
#include <string_view>

namespace lbd::vrrp {

inline constexpr std::uint8_t ip_protocol_vrrp = 112;
inline constexpr std::uint8_t required_ttl = 255;
inline constexpr std::uint8_t owner_priority = 255;
inline constexpr std::uint8_t stop_priority = 0;  // "I am leaving": backups take over after Skew_Time

// RFC 5798 carries intervals in centiseconds; RFC 3768 in whole seconds.
using centiseconds = std::chrono::duration<std::int64_t, std::centi>;

enum class version : std::uint8_t { v2 = 2, v3 = 3 };
enum class family : std::uint8_t { ipv4, ipv6 };

std::string_view to_string(version v);
std::string_view to_string(family f);

}  // namespace lbd::vrrp

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// VRRP advertisement codec: VRRPv2 (RFC 3768, IPv4 only) and VRRPv3 (RFC 5798, IPv4 and IPv6).
// Bytes in, a value or a precise rejection reason out; no sockets, no logging.
//
// VRRPv2 authentication: type 1 ("simple text password") compares 8 bytes sent in clear text,
// zero padded. It offers NO security: anyone on the link can read the password from any advert and
// forge adverts with it. It exists only to interoperate with peers configured with it (and to keep
// two VRRP deployments on one link apart by mistake-proofing). Type 2 (IP AH) was removed from the
// protocol by RFC 3768 and is always rejected.
#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "common/address.hpp"
#include "common/result.hpp"
#include "vrrp/types.hpp"

namespace lbd::vrrp {

enum class auth_type : std::uint8_t { none = 0, simple_text = 1, ip_ah = 2 };

struct v2_auth {
  auth_type type = auth_type::none;
  std::array<std::byte, 8> data{};  // the password, zero padded; zero for type none

  // Passwords longer than 8 bytes are truncated, as keepalived does.
  static v2_auth simple_password(std::string_view password);
  friend bool operator==(const v2_auth&, const v2_auth&) = default;
};

struct advert {
  vrrp::version version = version::v3;
  std::uint8_t vrid = 0;
  std::uint8_t priority = 0;
  // v3: Max Advertise Interval (12 bits, centiseconds). v2: Adver Int in whole seconds (8 bits).
  centiseconds max_advert_interval{100};
  std::vector<ip_address> addresses;  // all of one family: the family of the IP packet
  v2_auth auth;                       // v2 only; ignored for v3

  friend bool operator==(const advert&, const advert&) = default;
};

// Every reason a received packet is dropped, in the order the checks run. Counted per reason.
enum class parse_error : std::uint8_t {
  truncated,               // shorter than the fixed header
  ttl_not_255,             // TTL / hop limit not 255: the packet crossed a router
  bad_version,             // version field is neither 2 nor 3
  version_mismatch,        // a valid version, but not the one this socket expects
  bad_type,                // type is not 1 (ADVERTISEMENT)
  family_mismatch,         // IPv4 vs IPv6 not what this socket expects, or v2 over IPv6
  address_count_mismatch,  // Count IPvX Addr does not match the message length
  bad_checksum,
  vrid_not_ours,  // no instance with this VRID on this interface
  auth_mismatch,  // v2 auth type or password differs from ours
  advert_interval_zero,
};
inline constexpr std::array all_parse_errors{parse_error::truncated,
                                             parse_error::ttl_not_255,
                                             parse_error::bad_version,
                                             parse_error::version_mismatch,
                                             parse_error::bad_type,
                                             parse_error::family_mismatch,
                                             parse_error::address_count_mismatch,
                                             parse_error::bad_checksum,
                                             parse_error::vrid_not_ours,
                                             parse_error::auth_mismatch,
                                             parse_error::advert_interval_zero};

std::string_view to_string(parse_error e);

// What the receiving socket is configured for: fixed per socket, not per packet.
struct rx_expect {
  vrrp::version version = version::v3;
  vrrp::family family = family::ipv4;
  std::bitset<256> vrids;  // VRIDs configured on this interface
  v2_auth auth;            // v2 only
  // RFC 5798 7.1: TTL / hop limit 255 proves the sender is on our link. Unicast peers may sit
  // behind routers, and keepalived sends IPv6 unicast adverts with the default hop limit, so unicast
  // sockets may turn this off; their peer list is then the only sender check.
  bool require_ttl_255 = true;
};

// Facts about one received packet that are not in the VRRP payload.
struct rx_meta {
  std::uint8_t ttl = 0;  // IPv4 TTL or IPv6 hop limit
  ip_address source;
  ip_address destination;
  unsigned ifindex = 0;
  std::string_view ifname;
  rx_expect expect;
};

// `payload` is the VRRP message (after the IP header).
result<advert, parse_error> parse(std::span<const std::byte> payload, const rx_meta& meta);

// Encodes `a` byte-exactly with its checksum. Preconditions (violations abort: they are bugs, the
// configuration validator rules them out): v2 only with IPv4 source and addresses, interval a whole
// number of seconds in 1..255; v3 interval in 1..4095 cs; at most 255 addresses, all of the source's
// family; `destination` of the same family.
std::vector<std::byte> build(const advert& a, const ip_address& source, const ip_address& destination);

// Size on the wire of an advert with `count` addresses.
std::size_t message_size(version v, family f, std::size_t count);

inline family family_of(const ip_address& a) { return a.is_v4() ? family::ipv4 : family::ipv6; }

}  // namespace lbd::vrrp

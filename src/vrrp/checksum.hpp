// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Internet checksum (RFC 1071) and the VRRP checksum rules:
// - VRRPv2 (RFC 3768 5.3.8): over the VRRP message only.
// - VRRPv3 (RFC 5798 5.2.8): over the VRRP message preceded by the IPv4 or IPv6 pseudo-header
//   (source, destination, protocol 112, VRRP length), as for UDP/TCP.
#include <cstddef>
#include <cstdint>
#include <span>

#include "common/address.hpp"
#include "vrrp/types.hpp"

namespace lbd::vrrp {

// Ones' complement sum of 16-bit big-endian words; chunks of any length may be added in order.
class checksum_accumulator {
 public:
  void add(std::span<const std::byte> bytes);
  // The checksum to put on the wire; 0 when summing a message that already carries a correct one.
  [[nodiscard]] std::uint16_t finish() const;

 private:
  std::uint32_t sum_ = 0;
  bool odd_ = false;  // a high byte is waiting for its low byte
  std::byte pending_{};
};

std::uint16_t internet_checksum(std::span<const std::byte> bytes);

// Checksum of `message` (its checksum field as it is: zero it first when building; when verifying a
// received message the result is 0 if the message is intact). `source`/`destination` feed the v3
// pseudo-header and are ignored for v2.
std::uint16_t vrrp_checksum(version v, const ip_address& source, const ip_address& destination,
                            std::span<const std::byte> message);

}  // namespace lbd::vrrp

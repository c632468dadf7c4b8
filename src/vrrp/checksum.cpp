// SPDX-License-Identifier: GPL-2.0-or-later
#include "vrrp/checksum.hpp"

#include <array>

namespace lbd::vrrp {

void checksum_accumulator::add(std::span<const std::byte> bytes) {
  for (std::byte b : bytes) {
    if (odd_) {
      sum_ += (std::to_integer<std::uint32_t>(pending_) << 8U) | std::to_integer<std::uint32_t>(b);
      // Fold early so the 32-bit sum never overflows, whatever the length.
      sum_ = (sum_ & 0xffffU) + (sum_ >> 16U);
      odd_ = false;
    } else {
      pending_ = b;
      odd_ = true;
    }
  }
}

std::uint16_t checksum_accumulator::finish() const {
  std::uint32_t s = sum_;
  if (odd_) s += std::to_integer<std::uint32_t>(pending_) << 8U;  // pad with a zero byte
  while ((s >> 16U) != 0) s = (s & 0xffffU) + (s >> 16U);
  return static_cast<std::uint16_t>(~s & 0xffffU);
}

std::uint16_t internet_checksum(std::span<const std::byte> bytes) {
  checksum_accumulator acc;
  acc.add(bytes);
  return acc.finish();
}

std::uint16_t vrrp_checksum(version v, const ip_address& source, const ip_address& destination,
                            std::span<const std::byte> message) {
  checksum_accumulator acc;
  if (v == version::v3) {
    const auto len = static_cast<std::uint32_t>(message.size());
    if (source.is_v4()) {
      auto s = source.to_v4().to_bytes();
      auto d = destination.is_v4() ? destination.to_v4().to_bytes() : boost::asio::ip::address_v4::bytes_type{};
      acc.add(std::as_bytes(std::span(s)));
      acc.add(std::as_bytes(std::span(d)));
      const std::array<std::byte, 4> tail{std::byte{0}, std::byte{ip_protocol_vrrp},
                                          static_cast<std::byte>((len >> 8U) & 0xffU),
                                          static_cast<std::byte>(len & 0xffU)};
      acc.add(tail);
    } else {
      auto s = source.to_v6().to_bytes();
      auto d = destination.is_v6() ? destination.to_v6().to_bytes() : boost::asio::ip::address_v6::bytes_type{};
      acc.add(std::as_bytes(std::span(s)));
      acc.add(std::as_bytes(std::span(d)));
      const std::array<std::byte, 8> tail{static_cast<std::byte>((len >> 24U) & 0xffU),
                                          static_cast<std::byte>((len >> 16U) & 0xffU),
                                          static_cast<std::byte>((len >> 8U) & 0xffU),
                                          static_cast<std::byte>(len & 0xffU),
                                          std::byte{0},
                                          std::byte{0},
                                          std::byte{0},
                                          std::byte{ip_protocol_vrrp}};
      acc.add(tail);
    }
  }
  acc.add(message);
  return acc.finish();
}

}  // namespace lbd::vrrp

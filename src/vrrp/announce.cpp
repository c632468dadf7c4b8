// SPDX-License-Identifier: GPL-2.0-or-later
#include "vrrp/announce.hpp"

namespace lbd::vrrp {
namespace {

template <class Range>
void append(std::vector<std::byte>& out, const Range& r) {
  for (auto b : r) out.push_back(static_cast<std::byte>(b));
}

void append16(std::vector<std::byte>& out, unsigned v) {
  out.push_back(static_cast<std::byte>((v >> 8U) & 0xffU));
  out.push_back(static_cast<std::byte>(v & 0xffU));
}

constexpr mac_address broadcast{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

}  // namespace

std::vector<std::byte> build_gratuitous_arp(const mac_address& mac, const boost::asio::ip::address_v4& vip) {
  std::vector<std::byte> f;
  f.reserve(42);
  append(f, broadcast);
  append(f, mac);
  append16(f, 0x0806);  // ARP
  append16(f, 1);       // Ethernet
  append16(f, 0x0800);  // IPv4
  f.push_back(std::byte{6});
  f.push_back(std::byte{4});
  append16(f, 1);  // request
  append(f, mac);
  append(f, vip.to_bytes());
  append(f, broadcast);
  append(f, vip.to_bytes());
  return f;
}

std::vector<std::byte> build_unsolicited_na(const mac_address& mac, const boost::asio::ip::address_v6& vip,
                                            bool router) {
  std::vector<std::byte> m;
  m.reserve(32);
  m.push_back(std::byte{136});  // Neighbor Advertisement
  m.push_back(std::byte{0});
  append16(m, 0);  // checksum: the kernel computes it for ICMPv6 raw sockets
  m.push_back(static_cast<std::byte>((router ? 0x80U : 0U) | 0x20U));  // R, not S (unsolicited), O
  m.push_back(std::byte{0});
  m.push_back(std::byte{0});
  m.push_back(std::byte{0});
  append(m, vip.to_bytes());
  m.push_back(std::byte{2});  // option: target link-layer address
  m.push_back(std::byte{1});  // length in units of 8 bytes
  append(m, mac);
  return m;
}

}  // namespace lbd::vrrp

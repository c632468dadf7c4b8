// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Frames that tell the link a VIP moved, pure: a gratuitous ARP (IPv4) as keepalived sends it
// (an ARP request whose sender and target IP are the VIP, broadcast), and an unsolicited neighbour
// advertisement (IPv6, RFC 4861 7.2.6) with the override flag and our link-layer address.
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/address.hpp"

namespace lbd::vrrp {

using mac_address = std::array<std::uint8_t, 6>;

// Complete Ethernet frame (42 bytes), for an AF_PACKET socket.
std::vector<std::byte> build_gratuitous_arp(const mac_address& mac, const boost::asio::ip::address_v4& vip);

// ICMPv6 message (32 bytes) for a raw ICMPv6 socket, checksum left 0 for the kernel to fill in.
// Send to ff02::1 with hop limit 255. `router`: the R flag, set when the node forwards IPv6.
std::vector<std::byte> build_unsolicited_na(const mac_address& mac, const boost::asio::ip::address_v6& vip,
                                            bool router);

}  // namespace lbd::vrrp

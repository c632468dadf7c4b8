// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// lbd's nftables table for FULLNAT: IPVS masquerades to the real server, conntrack keeps the
// original tuple, and one postrouting SNAT rule per (family, protocol) rewrites the source of every
// connection whose original destination is a fullnat virtual service to the local address pool:
//
//   table inet lbd {
//     set fullnat4_tcp { type ipv4_addr . inet_service; elements = { 192.0.2.10 . 80 } }
//     chain postrouting { type nat hook postrouting priority srcnat; policy accept;
//       meta l4proto tcp ct original ip daddr . ct original proto-dst @fullnat4_tcp
//         snat ip to 10.0.0.1-10.0.0.4 fully-random } }
//
// nft 1.0.6 (Debian 12) types `ct original proto-dst` only after a protocol match, so the protocol
// cannot be part of the set key: one set and one rule per protocol. A family is present with its
// pool; its three sets exist even when empty, so adding a service is a set element, not a new rule.
#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>

#include "common/result.hpp"

namespace lbd::nft {

enum class ip_family : std::uint8_t { ipv4, ipv6 };
inline constexpr std::array<ip_family, 2> all_families{ip_family::ipv4, ip_family::ipv6};
enum class protocol : std::uint8_t { tcp, udp, sctp };
inline constexpr std::array<protocol, 3> all_protocols{protocol::tcp, protocol::udp, protocol::sctp};

std::string_view to_string(protocol p);  // "tcp", "udp", "sctp"
unsigned protocol_number(protocol p);    // IANA: 6, 17, 132
std::optional<protocol> parse_protocol(std::string_view s);

// A virtual service's address (canonical text, as inet_ntop writes it) and port.
struct vip {
  std::string address;
  std::uint16_t port = 0;
  friend bool operator==(const vip&, const vip&) = default;
  friend bool operator<(const vip& a, const vip& b) {
    return std::tie(a.address, a.port) < std::tie(b.address, b.port);
  }
};

// The local addresses connections leave from: first..last, one address when equal.
struct lip_pool {
  std::string first;
  std::string last;
  friend bool operator==(const lip_pool&, const lip_pool&) = default;
};

struct family_nat {
  lip_pool pool;
  std::array<std::set<vip>, all_protocols.size()> services;  // indexed by protocol
  [[nodiscard]] const std::set<vip>& of(protocol p) const { return services.at(static_cast<std::size_t>(p)); }
  std::set<vip>& of(protocol p) { return services.at(static_cast<std::size_t>(p)); }
  friend bool operator==(const family_nat&, const family_nat&) = default;
};

// What lbd wants in its table; no family at all means no table.
struct nat_table {
  std::optional<family_nat> v4;
  std::optional<family_nat> v6;
  [[nodiscard]] bool empty() const { return !v4 && !v6; }
  [[nodiscard]] const std::optional<family_nat>& of(ip_family f) const { return f == ip_family::ipv4 ? v4 : v6; }
  std::optional<family_nat>& of(ip_family f) { return f == ip_family::ipv4 ? v4 : v6; }
  friend bool operator==(const nat_table&, const nat_table&) = default;
};

// lbd's table as the kernel holds it. `exact`: it has lbd's shape and nothing else (no foreign set,
// chain or rule, the chain's hook and the rules as lbd writes them), so `content` describes it
// fully; otherwise only a replacement brings it back.
struct kernel_table {
  bool exists = false;
  bool exact = false;
  nat_table content;
  std::string unreadable;  // why the listing of an existing table could not be parsed (then not exact)
  friend bool operator==(const kernel_table&, const kernel_table&) = default;
};

// "fullnat4_tcp": the set of one family and protocol.
std::string set_name(ip_family f, protocol p);
// The canonical text of an address of family `f`, or an error naming it.
result<std::string, std::string> canonical_address(ip_family f, std::string_view text);
// A pool's addresses are of its family and first <= last.
status<std::string> validate(ip_family f, const lip_pool& pool);

}  // namespace lbd::nft

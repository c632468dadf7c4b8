// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The IPVS table as values: services keyed by (family, protocol, address, port) or (family, fwmark),
// each with its destinations. The planner diffs two of these; the netlink client reads and writes
// them; the listing prints them. Counters are read-only and never compared by the planner.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "common/address.hpp"

namespace lbd::ipvs {

enum class address_family : std::uint8_t { ipv4, ipv6 };
enum class protocol : std::uint8_t { none = 0, tcp = 6, udp = 17, sctp = 132 };

// Service flags as the kernel spells them (IP_VS_SVC_F_*). The scheduler flags mean different things
// per scheduler: sh-fallback and mh-fallback are SCHED1, sh-port and mh-port are SCHED2.
namespace svc_flag {
inline constexpr std::uint32_t persistent = 0x0001;
inline constexpr std::uint32_t hashed = 0x0002;  // kernel-internal; stripped on read
inline constexpr std::uint32_t one_packet = 0x0004;
inline constexpr std::uint32_t sched1 = 0x0008;
inline constexpr std::uint32_t sched2 = 0x0010;
inline constexpr std::uint32_t sched3 = 0x0020;
inline constexpr std::uint32_t sh_fallback = sched1;
inline constexpr std::uint32_t sh_port = sched2;
inline constexpr std::uint32_t mh_fallback = sched1;
inline constexpr std::uint32_t mh_port = sched2;
}  // namespace svc_flag

struct service_key {
  address_family family = address_family::ipv4;
  std::uint32_t fwmark = 0;  // non-zero: a firewall-mark service; protocol/address/port are unused
  ipvs::protocol proto = protocol::none;
  ip_address address;
  std::uint16_t port = 0;

  static service_key inet(ipvs::protocol p, const endpoint& e);
  static service_key mark(address_family f, std::uint32_t fwmark);

  friend bool operator==(const service_key&, const service_key&) = default;
  // Same order as ipvsadm's listing: address services before fwmark ones, then family, protocol,
  // address, port.
  friend bool operator<(const service_key& a, const service_key& b);
};

struct service_attrs {
  std::string scheduler = "wlc";
  std::uint32_t flags = 0;    // svc_flag bits, never `hashed`
  std::uint32_t timeout = 0;  // persistence timeout, seconds
  // nullopt: the whole address (255.255.255.255 or /128). IPv4: the mask in host byte order;
  // IPv6: the prefix length.
  std::optional<std::uint32_t> netmask;
  std::string pe_name;
  friend bool operator==(const service_attrs&, const service_attrs&) = default;
};

// 64-bit totals and rates as the kernel reports them (IPVS_*_ATTR_STATS64).
struct stats {
  std::uint64_t conns = 0, inpkts = 0, outpkts = 0, inbytes = 0, outbytes = 0;
  std::uint64_t cps = 0, inpps = 0, outpps = 0, inbps = 0, outbps = 0;
  friend bool operator==(const stats&, const stats&) = default;
};

enum class forwarding : std::uint8_t { masq = 0, local = 1, tunnel = 2, droute = 3 };
enum class tunnel_type : std::uint8_t { ipip = 0, gue = 1, gre = 2 };
namespace tun_flag {
inline constexpr std::uint16_t csum = 0x1;
inline constexpr std::uint16_t remcsum = 0x2;
}  // namespace tun_flag

struct dest_key {
  ip_address address;  // its family may differ from the service's (tunnel forwarding only)
  std::uint16_t port = 0;
  friend bool operator==(const dest_key&, const dest_key&) = default;
  friend bool operator<(const dest_key& a, const dest_key& b);
};

struct dest_attrs {
  forwarding fwd = forwarding::masq;
  // Meaningful with tunnel forwarding only; zero otherwise (the reader normalises).
  tunnel_type tun_type = tunnel_type::ipip;
  std::uint16_t tun_port = 0;
  std::uint16_t tun_flags = 0;
  std::uint32_t weight = 1;
  std::uint32_t u_threshold = 0;
  std::uint32_t l_threshold = 0;
  friend bool operator==(const dest_attrs&, const dest_attrs&) = default;
};

struct dest_counters {
  std::uint32_t active = 0, inactive = 0, persistent = 0;
  ipvs::stats stats;
  friend bool operator==(const dest_counters&, const dest_counters&) = default;
};

struct dest {
  dest_attrs attrs;
  dest_counters counters;
};

struct service {
  service_attrs attrs;
  ipvs::stats stats;
  std::map<dest_key, dest> dests;
};

using table = std::map<service_key, service>;
// The services lbd may touch: those in its config, plus those it owned before a reload.
using ownership = std::set<service_key>;

// Global IPVS settings.
struct info {
  std::uint32_t version = 0;  // 0x010201 is 1.2.1
  std::uint32_t conn_tab_size = 0;
};
struct timeouts {
  std::uint32_t tcp = 0, tcp_fin = 0, udp = 0;  // seconds; 0 in a set request: leave unchanged
  friend bool operator==(const timeouts&, const timeouts&) = default;
};
enum class daemon_state : std::uint8_t { master = 1, backup = 2 };
struct sync_daemon {
  daemon_state state = daemon_state::master;
  std::string mcast_ifname;
  std::uint32_t sync_id = 0;
  std::uint16_t sync_maxlen = 0;          // 0: kernel default
  std::optional<ip_address> mcast_group;  // v4 or v6; nullopt: kernel default 224.0.0.81
  std::uint16_t mcast_port = 0;           // 0: kernel default 8848
  std::uint8_t mcast_ttl = 0;             // 0: kernel default 1
  friend bool operator==(const sync_daemon&, const sync_daemon&) = default;
};

address_family family_of(const ip_address& a);
std::string_view to_string(protocol p);       // "tcp", "udp", "sctp"
std::string_view to_string(forwarding f);     // "masq", "local", "tunnel", "droute"
std::string_view to_string(tunnel_type t);    // "ipip", "gue", "gre"
std::string_view to_string(daemon_state s);   // "master", "backup"
std::string to_string(const service_key& k);  // "tcp 192.0.2.10:80", "fwmark 5", "fwmark 5 ipv6"
std::string to_string(const dest_key& k);     // "10.0.1.11:8080", "[2001:db8::11]:80"
std::optional<protocol> parse_protocol(std::string_view s);
std::optional<forwarding> parse_forwarding(std::string_view s);  // also "nat", "dr", "tun"
std::optional<tunnel_type> parse_tunnel_type(std::string_view s);
// The kernel's value for "no netmask" per family.
std::uint32_t full_netmask(address_family f);
// Scheduler flags by name for this scheduler ("sh-port", "mh-fallback", "flag-1"...), 0 if unknown.
std::uint32_t parse_sched_flag(std::string_view scheduler, std::string_view name);

}  // namespace lbd::ipvs

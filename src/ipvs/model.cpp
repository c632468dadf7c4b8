// SPDX-License-Identifier: GPL-2.0-or-later
#include "ipvs/model.hpp"

#include <fmt/format.h>

#include <tuple>

namespace lbd::ipvs {

service_key service_key::inet(ipvs::protocol p, const endpoint& e) {
  service_key k;
  k.family = family_of(e.address);
  k.proto = p;
  k.address = e.address;
  k.port = e.port;
  return k;
}

service_key service_key::mark(address_family f, std::uint32_t fwmark) {
  service_key k;
  k.family = f;
  k.fwmark = fwmark;
  k.address =
      f == address_family::ipv4 ? ip_address(boost::asio::ip::address_v4()) : ip_address(boost::asio::ip::address_v6());
  return k;
}

bool operator<(const service_key& a, const service_key& b) {
  auto ta = std::make_tuple(a.fwmark, a.family, a.proto);
  auto tb = std::make_tuple(b.fwmark, b.family, b.proto);
  if (ta != tb) return ta < tb;
  if (a.address != b.address) return a.address < b.address;
  return a.port < b.port;
}

bool operator<(const dest_key& a, const dest_key& b) {
  if (a.address != b.address) return a.address < b.address;
  return a.port < b.port;
}

address_family family_of(const ip_address& a) { return a.is_v6() ? address_family::ipv6 : address_family::ipv4; }

std::string_view to_string(protocol p) {
  switch (p) {
    case protocol::tcp: return "tcp";
    case protocol::udp: return "udp";
    case protocol::sctp: return "sctp";
    case protocol::none: break;
  }
  return "none";
}

std::string_view to_string(forwarding f) {
  switch (f) {
    case forwarding::masq: return "masq";
    case forwarding::local: return "local";
    case forwarding::tunnel: return "tunnel";
    case forwarding::droute: return "droute";
  }
  return "unknown";
}

std::string_view to_string(tunnel_type t) {
  switch (t) {
    case tunnel_type::ipip: return "ipip";
    case tunnel_type::gue: return "gue";
    case tunnel_type::gre: return "gre";
  }
  return "unknown";
}

std::string_view to_string(daemon_state s) { return s == daemon_state::master ? "master" : "backup"; }

std::string to_string(const service_key& k) {
  if (k.fwmark != 0) return fmt::format("fwmark {}{}", k.fwmark, k.family == address_family::ipv6 ? " ipv6" : "");
  return fmt::format("{} {}", to_string(k.proto), lbd::to_string(endpoint{k.address, k.port}));
}

std::string to_string(const dest_key& k) { return lbd::to_string(endpoint{k.address, k.port}); }

std::optional<protocol> parse_protocol(std::string_view s) {
  if (s == "tcp") return protocol::tcp;
  if (s == "udp") return protocol::udp;
  if (s == "sctp") return protocol::sctp;
  return std::nullopt;
}

std::optional<forwarding> parse_forwarding(std::string_view s) {
  if (s == "masq" || s == "nat") return forwarding::masq;
  if (s == "droute" || s == "dr") return forwarding::droute;
  if (s == "tunnel" || s == "tun") return forwarding::tunnel;
  if (s == "local") return forwarding::local;
  return std::nullopt;
}

std::optional<tunnel_type> parse_tunnel_type(std::string_view s) {
  if (s == "ipip") return tunnel_type::ipip;
  if (s == "gue") return tunnel_type::gue;
  if (s == "gre") return tunnel_type::gre;
  return std::nullopt;
}

std::uint32_t full_netmask(address_family f) { return f == address_family::ipv4 ? 0xffffffffU : 128U; }

std::uint32_t parse_sched_flag(std::string_view scheduler, std::string_view name) {
  if (name == "flag-1") return svc_flag::sched1;
  if (name == "flag-2") return svc_flag::sched2;
  if (name == "flag-3") return svc_flag::sched3;
  if (scheduler == "sh") {
    if (name == "sh-fallback") return svc_flag::sh_fallback;
    if (name == "sh-port") return svc_flag::sh_port;
  }
  if (scheduler == "mh") {
    if (name == "mh-fallback") return svc_flag::mh_fallback;
    if (name == "mh-port") return svc_flag::mh_port;
  }
  return 0;
}

}  // namespace lbd::ipvs

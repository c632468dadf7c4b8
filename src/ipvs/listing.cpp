// SPDX-License-Identifier: GPL-2.0-or-later
#include "ipvs/listing.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

namespace lbd::ipvs {

namespace {

std::string upper_protocol(protocol p) {
  switch (p) {
    case protocol::tcp: return "TCP";
    case protocol::udp: return "UDP";
    case protocol::sctp: return "SCTP";
    case protocol::none: break;
  }
  return "???";
}

std::string addr_port(const ip_address& a, std::uint16_t port) {
  if (a.is_v6()) return fmt::format("[{}]:{}", a.to_string(), port);
  return fmt::format("{}:{}", a.to_string(), port);
}

std::string service_name(const service_key& k) {
  if (k.fwmark != 0) return fmt::format("FWM  {}{}", k.fwmark, k.family == address_family::ipv6 ? " IPv6" : "");
  std::string s = fmt::format("{:<4} {}", upper_protocol(k.proto), addr_port(k.address, k.port));
  if (k.family == address_family::ipv4 && s.size() > 33) s.resize(33);
  return s;
}

std::string sched_flags(const service_attrs& a) {
  std::string out;
  auto add = [&out](const char* name) {
    if (!out.empty()) out += ',';
    out += name;
  };
  if (a.scheduler == "sh" || a.scheduler == "mh") {
    const bool sh = a.scheduler == "sh";
    if ((a.flags & svc_flag::sched1) != 0) add(sh ? "sh-fallback" : "mh-fallback");
    if ((a.flags & svc_flag::sched2) != 0) add(sh ? "sh-port" : "mh-port");
  } else {
    if ((a.flags & svc_flag::sched1) != 0) add("flag-1");
    if ((a.flags & svc_flag::sched2) != 0) add("flag-2");
  }
  if ((a.flags & svc_flag::sched3) != 0) add("flag-3");
  return out;
}

std::string fwd_name(forwarding f) {
  switch (f) {
    case forwarding::masq: return "Masq";
    case forwarding::local: return "Local";
    case forwarding::tunnel: return "Tunnel";
    case forwarding::droute: return "Route";
  }
  return "";
}

std::string ipv4_mask(std::uint32_t host_order) {
  in_addr a{};
  a.s_addr = htonl(host_order);
  char buf[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &a, buf, sizeof buf);
  return buf;
}

void service_line(std::string& out, const service_key& k, const service& s, listing_format f) {
  const std::string name = service_name(k);
  if (f == listing_format::stats || f == listing_format::rate) {
    const stats& st = s.stats;
    out += fmt::format("{:<33}", name);
    if (f == listing_format::stats) {
      for (auto v : {st.conns, st.inpkts, st.outpkts, st.inbytes, st.outbytes}) out += format_largenum(v);
    } else {
      for (auto v : {st.cps, st.inpps, st.outpps, st.inbps, st.outbps}) out += format_largenum(v);
    }
    out += '\n';
    return;
  }
  const service_attrs& a = s.attrs;
  out += fmt::format("{} {}", name, a.scheduler);
  if ((a.flags & (svc_flag::sched1 | svc_flag::sched2 | svc_flag::sched3)) != 0) {
    out += fmt::format(" ({})", sched_flags(a));
  }
  if ((a.flags & svc_flag::persistent) != 0) {
    out += fmt::format(" persistent {}", a.timeout);
    if (a.netmask && *a.netmask != full_netmask(k.family)) {
      out += k.family == address_family::ipv4 ? fmt::format(" mask {}", ipv4_mask(*a.netmask))
                                              : fmt::format(" mask {}", *a.netmask);
    }
    if (!a.pe_name.empty()) out += fmt::format(" pe {}", a.pe_name);
  }
  if ((a.flags & svc_flag::one_packet) != 0) out += " ops";
  out += '\n';
}

void dest_line(std::string& out, const service_key& k, const dest_key& dk, const dest& d, listing_format f) {
  std::string name = addr_port(dk.address, dk.port);
  if (k.family == address_family::ipv4 && name.size() > 28) name.resize(28);
  const stats& st = d.counters.stats;
  switch (f) {
    case listing_format::stats:
      out += fmt::format("  -> {:<28}", name);
      for (auto v : {st.conns, st.inpkts, st.outpkts, st.inbytes, st.outbytes}) out += format_largenum(v);
      break;
    case listing_format::rate:
      out += fmt::format("  -> {:<28} {:>8} {:>8} {:>8}", name, st.cps, st.inpps, st.outpps);
      out += format_largenum(st.inbps);
      out += format_largenum(st.outbps);
      break;
    case listing_format::plain:
      out += fmt::format("  -> {:<28} {:<7} {:<6} {:<10} {:<10}", name, fwd_name(d.attrs.fwd), d.attrs.weight,
                         d.counters.active, d.counters.inactive);
      break;
  }
  out += '\n';
}

}  // namespace

std::string format_largenum(std::uint64_t n) {
  if (n < 100000000ULL) return fmt::format("{:>9}", n);
  if (n < 1000000000ULL) return fmt::format("{:>8}K", n / 1000);
  if (n < 100000000000ULL) return fmt::format("{:>8}M", n / 1000000);
  if (n < 100000000000000ULL) return fmt::format("{:>8}G", n / 1000000000ULL);
  return fmt::format("{:>8}T", n / 1000000000000ULL);
}

std::string format_listing(const table& t, const info& i, listing_format f) {
  std::string out = fmt::format("IP Virtual Server version {}.{}.{} (size={})\n", (i.version >> 16) & 0xff,
                                (i.version >> 8) & 0xff, i.version & 0xff, i.conn_tab_size);
  switch (f) {
    case listing_format::stats:
      out += fmt::format("{:<33} {:>8} {:>8} {:>8} {:>8} {:>8}\n  -> RemoteAddress:Port\n", "Prot LocalAddress:Port",
                         "Conns", "InPkts", "OutPkts", "InBytes", "OutBytes");
      break;
    case listing_format::rate:
      out += fmt::format("{:<33} {:>8} {:>8} {:>8} {:>8} {:>8}\n  -> RemoteAddress:Port\n", "Prot LocalAddress:Port",
                         "CPS", "InPPS", "OutPPS", "InBPS", "OutBPS");
      break;
    case listing_format::plain:
      out +=
          "Prot LocalAddress:Port Scheduler Flags\n"
          "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n";
      break;
  }
  for (const auto& [k, s] : t) {
    service_line(out, k, s, f);
    for (const auto& [dk, d] : s.dests) dest_line(out, k, dk, d, f);
  }
  return out;
}

}  // namespace lbd::ipvs

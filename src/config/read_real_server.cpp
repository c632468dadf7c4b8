// SPDX-License-Identifier: GPL-2.0-or-later
// One [[virtual_server.real_server]], resolved against its service.
#include <fmt/format.h>

#include <algorithm>

#include "config/read_virtual_server_parts.hpp"

namespace lbd::config::detail {
namespace {

void read_address(table_reader& r, parsed_real_server& p, const virtual_server& service) {
  auto& rs = p.model;
  auto s = r.string("address");
  if (!s) {
    if (!r.has("address")) r.missing("address");
    return;
  }
  const auto& at = *r.get("address");
  auto e = parse_endpoint(*s, false);
  if (!e) {
    r.error("address", e.error());
    return;
  }
  if (e->address.is_unspecified() || e->address.is_multicast()) {
    r.error("address", fmt::format("{} cannot be a real server", e->address.to_string()));
    return;
  }
  if (family_of(e->address) != service.family && rs.method != forwarding::tun) {
    r.error("address",
            fmt::format("{} is {} but the service is {}; only tun forwarding may mix families", e->address.to_string(),
                        to_string(family_of(e->address)), to_string(service.family)));
    return;
  }
  bool port_given = s->find(']') != std::string::npos ? s->find("]:") != std::string::npos
                                                      : std::count(s->begin(), s->end(), ':') == 1;
  if (service.address && service.address->port != 0) {
    const auto service_port = service.address->port;
    if (!port_given) {
      if (translates_port(rs.method)) {
        r.error("address", fmt::format("'{}' needs a port with {} forwarding", *s, to_string(rs.method)));
        return;
      }
      e->port = service_port;  // dr and tun keep the destination port
    } else if (e->port == 0) {
      r.error("address", fmt::format("'{}': port 0 is not allowed here", *s));
      return;
    } else if (!translates_port(rs.method) && e->port != service_port) {
      r.values().warning(position_of(at), r.where("address"),
                         fmt::format("port {} is ignored: {} forwarding keeps the service's port {}", e->port,
                                     to_string(rs.method), service_port));
      e->port = service_port;
    }
  }
  if (!service.address && !translates_port(rs.method) && e->port != 0) {
    // A fwmark service has no port of its own, and dr and tun never change the packet's: IPVS holds
    // the server with port 0, as ipvsadm and keepalived add it; the written port is where its
    // checks connect.
    p.probe_port = e->port;
    e->port = 0;
  }
  rs.address = *e;
  p.address_ok = true;
  r.rename(fmt::format("{}[{}]", r.path().substr(0, r.path().rfind('[')), to_string(rs.address)));
}

// The server's checks: the service's default list, its single check with fields overridden by the
// server's table, or the server's own array. Held once for the servers of the service that resolve
// to the same list: the service's default or the previous server's is reused when equal, which is
// what a generated or hand-written table of servers almost always gives. connect_to stays unset
// when it would be the server's own address.
void read_server_checks(table_reader& r, parsed_real_server& p, const virtual_server& service) {
  auto& rs = p.model;
  const auto* node = r.get("check");
  const check_list& base = *service.checks;
  const auto own_address = [](const check_settings& c) { return check_needs_port(type_of(c)) || !c.connect_to; };
  if (node == nullptr && p.probe_port == 0 && std::all_of(base.begin(), base.end(), own_address)) {
    rs.checks = service.checks;
  } else {
    check_list list = node != nullptr ? read_check_list(r.values(), *node, r.where("check"), &base) : base;
    for (auto& c : list) {
      if (!check_needs_port(type_of(c))) {
        c.connect_to.reset();  // nothing to connect to
      } else if (!c.connect_to && p.probe_port != 0) {
        c.connect_to = endpoint{rs.address.address, p.probe_port};
      }
    }
    if (list == base) {
      rs.checks = service.checks;
    } else if (!service.real_servers.empty() && list == *service.real_servers.back().checks) {
      rs.checks = service.real_servers.back().checks;
    } else {
      rs.checks = std::make_shared<const check_list>(std::move(list));
    }
  }
  for (const auto& c : *rs.checks) {
    if (check_needs_port(type_of(c)) && !c.connect_to && p.address_ok && rs.address.port == 0) {
      r.error("address", fmt::format("has no port for its {} check; set check.connect_to", to_string(type_of(c))));
      break;
    }
  }
}

}  // namespace

parsed_real_server read_real_server(const value_reader& values, const toml::table& t, const std::string& where,
                                    const virtual_server& service) {
  parsed_real_server p;
  p.source = &t;
  auto& rs = p.model;
  table_reader r(values.sink(), t, where);
  rs.method = service.method;
  if (auto v = r.choice("forwarding", forwarding_names)) {
    // The source NAT matches the service's VIP:port, so it is all of the service's servers or none.
    if (*v == forwarding::fullnat && service.method != forwarding::fullnat) {
      r.error("forwarding", "fullnat is set on the [[virtual_server]], for all of its real servers");
    } else if (*v != forwarding::fullnat && service.method == forwarding::fullnat) {
      r.error("forwarding", fmt::format("the service forwards by fullnat, which applies to all of its real servers, "
                                        "so none can forward by {}",
                                        to_string(*v)));
    } else {
      rs.method = *v;
    }
  }
  read_address(r, p, service);
  if (auto v = r.integer("weight", 0, 65535)) rs.weight = static_cast<std::uint32_t>(*v);
  if (auto v = r.integer("upper_threshold", 0, 4294967295)) rs.upper_threshold = static_cast<std::uint32_t>(*v);
  if (auto v = r.integer("lower_threshold", 0, 4294967295)) rs.lower_threshold = static_cast<std::uint32_t>(*v);
  if (rs.lower_threshold != 0 && (rs.upper_threshold == 0 || rs.lower_threshold > rs.upper_threshold)) {
    r.error("lower_threshold", fmt::format("{} needs an upper_threshold at or above it", rs.lower_threshold));
  }
  read_server_checks(r, p, service);
  rs.slow_start = service.slow_start;
  if (auto v = read_slow_start(r)) rs.slow_start = *v;
  rs.agent = service.agent;
  if (const auto* a = r.get("agent")) rs.agent = read_agent(r.values(), *a, r.where("agent"), service.agent);
  if (const auto* n = r.subtable("notify")) {
    table_reader nr(values.sink(), *n, r.where("notify"));
    if (auto v = nr.command("up")) rs.notify.up = std::move(*v);
    if (auto v = nr.command("down")) rs.notify.down = std::move(*v);
    nr.finish({"up", "down"});
  }
  r.finish({"address", "weight", "upper_threshold", "lower_threshold", "forwarding", "check", "notify", "agent",
            "slow_start"});
  return p;
}

}  // namespace lbd::config::detail

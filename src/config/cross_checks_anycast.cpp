// SPDX-License-Identifier: GPL-2.0-or-later
// Rules of the [[anycast]] groups across tables: unique names and VIPs, a VIP announced either by
// VRRP or by BGP, every service of a group on the group's VIPs, and what makes directors disagree.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "config/names.hpp"
#include "config/sections.hpp"

namespace lbd::config::detail {
namespace {

position pos_of(const parsed_anycast& g, std::string_view key) {
  if (g.source == nullptr) return {};
  if (const auto* n = g.source->get(key)) return position_of(*n);
  return position_of(*g.source);
}

// The VIPs of the groups, each with its group; duplicates and VRRP's VIPs refused.
std::map<ip_address, const parsed_anycast*> index_vips(const value_reader& values, const parsed_config& pc) {
  std::map<ip_address, const parsed_vrrp*> vrrp_vips;
  for (const auto& v : pc.vrrp) {
    for (const auto& vip : v.model.virtual_ips) vrrp_vips.emplace(vip.address.address, &v);
  }
  std::map<std::string, const parsed_anycast*> names;
  std::map<ip_address, const parsed_anycast*> vips;
  for (const auto& g : pc.anycast) {
    const auto path = fmt::format("anycast[{}]", g.name_ok ? g.model.name : "?");
    if (g.name_ok) {
      if (auto [it, fresh] = names.emplace(g.model.name, &g); !fresh) {
        values.error(pos_of(g, "name"), path + ".name",
                     fmt::format("'{}' is already used by the group at line {}", g.model.name,
                                 pos_of(*it->second, "name").line));
      }
    }
    for (const auto& ip : g.model.virtual_ips) {
      if (auto v = vrrp_vips.find(ip); v != vrrp_vips.end()) {
        values.error(pos_of(g, "virtual_ips"), path + ".virtual_ips",
                     fmt::format("{} is a virtual IP of vrrp[{}]: a VIP is held by one director (VRRP) or announced by "
                                 "all of them (anycast), not both",
                                 ip.to_string(), v->second->model.name));
      } else if (auto [it, fresh] = vips.emplace(ip, &g); !fresh) {
        values.error(pos_of(g, "virtual_ips"), path + ".virtual_ips",
                     fmt::format("{} is already a virtual IP of anycast[{}]", ip.to_string(), it->second->model.name));
      }
    }
  }
  return vips;
}

// Directors agree on a flow's real server only when the scheduler is a function of the packet and
// the (same) real servers: a flow moved by the upstream routers then keeps its real server.
bool consistent_across_directors(scheduler s) { return s == scheduler::mh || s == scheduler::sh || s == scheduler::dh; }

void check_service(const value_reader& values, const parsed_config& pc, const parsed_virtual_server& p,
                   const parsed_anycast& g) {
  const auto& vs = p.model;
  const std::string path = fmt::format("virtual_server[{}]", vs.name);
  if (!consistent_across_directors(vs.sched)) {
    values.warning(p.at.scheduler, path + ".scheduler",
                   fmt::format("{} picks real servers differently on each director: when the upstream routers move a "
                               "flow to another director (one joins or leaves), its connection breaks; use mh",
                               name_of(scheduler_names, vs.sched)));
  }
  // IPVS fills mh's table from its list of real servers in list order, and a real server deleted and
  // added again goes to the end of the list: only while every director holds the same list in the
  // same order do they pick the same real server.
  if (vs.sched == scheduler::mh && vs.on_failure != failure_action::inhibit) {
    values.warning(p.at.on_failure, path + ".on_failure",
                   fmt::format("{} deletes a failed real server and adds it back at the end of the kernel's list: mh "
                               "then picks differently on directors that saw the failure and those that did not; "
                               "use inhibit (weight 0, kept in place)",
                               name_of(failure_action_names, vs.on_failure)));
  }
  const bool direct = vs.method == forwarding::dr || vs.method == forwarding::tun;
  if (!direct) {
    values.warning(p.at.forwarding, path + ".forwarding",
                   fmt::format("{}: the real servers' replies go back through the director that translated the "
                               "connection, so a flow the upstream routers move to another director breaks; dr or "
                               "tun keep it",
                               name_of(forwarding_names, vs.method)));
  }
  const auto& sloppy = vs.proto == protocol::sctp ? pc.ipvs.sloppy_sctp : pc.ipvs.sloppy_tcp;
  if (direct && vs.proto != protocol::udp && sloppy != true) {
    const char* key = vs.proto == protocol::sctp ? "sloppy_sctp" : "sloppy_tcp";
    values.warning(p.at.anycast, path + ".anycast",
                   fmt::format("a director drops the packets of a connection it did not see start: set [ipvs] {} = "
                               "true, so that flows moved from another director keep going",
                               key));
  }
  if (!vs.address) return;
  std::vector<endpoint> addresses{*vs.address};
  addresses.insert(addresses.end(), vs.more_addresses.begin(), vs.more_addresses.end());
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    const auto& ip = addresses[i].address;
    if (std::find(g.model.virtual_ips.begin(), g.model.virtual_ips.end(), ip) == g.model.virtual_ips.end()) {
      values.error(i < p.at.entries.size() ? p.at.entries[i] : p.at.address, path + ".address",
                   fmt::format("{} is not a virtual IP of anycast[{}]", ip.to_string(), g.model.name));
    }
  }
}

}  // namespace

void check_anycast(diagnostic_sink& sink, const parsed_config& pc) {
  value_reader values(sink);
  const auto vips = index_vips(values, pc);
  std::map<std::string, const parsed_anycast*> groups;
  std::vector<std::string_view> group_names;
  for (const auto& g : pc.anycast) {
    if (!g.name_ok) continue;
    groups.emplace(g.model.name, &g);
    group_names.push_back(g.model.name);
  }
  std::map<const parsed_anycast*, unsigned> services_of;
  for (const auto& p : pc.virtual_servers) {
    const auto& vs = p.model;
    if (!p.name_ok || !p.key_ok) continue;
    const std::string path = fmt::format("virtual_server[{}]", vs.name);
    if (vs.anycast) {
      auto it = groups.find(*vs.anycast);
      if (it == groups.end()) {
        values.error(
            p.at.anycast, path + ".anycast",
            fmt::format("no anycast group is named '{}'{}", *vs.anycast, suggestion(*vs.anycast, group_names)));
        continue;
      }
      ++services_of[it->second];
      check_service(values, pc, p, *it->second);
    } else if (vs.address) {
      // A service on an announced VIP that the gate does not count would receive traffic whatever
      // its health.
      if (auto it = vips.find(vs.address->address); it != vips.end()) {
        values.error(p.at.address, path + ".address",
                     fmt::format("{} is announced by anycast[{}]: set anycast = \"{}\" on this service",
                                 vs.address->address.to_string(), it->second->model.name, it->second->model.name));
      }
    }
  }
  for (const auto& g : pc.anycast) {
    // Once per name: a second group of the name is an error already.
    if (g.name_ok && groups.at(g.model.name) == &g && services_of.count(&g) == 0) {
      values.warning(pos_of(g, "name"), fmt::format("anycast[{}]", g.model.name),
                     "no virtual_server has this anycast group: its VIPs are never announced");
    }
  }
}

}  // namespace lbd::config::detail

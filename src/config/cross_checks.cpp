// SPDX-License-Identifier: GPL-2.0-or-later
// Rules that span several tables: unique names and keys, references by name, VIP coverage.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "config/sections.hpp"

namespace lbd::config::detail {
namespace {

position pos_in(const toml::table* t, std::string_view key) {
  if (t == nullptr) return {};
  if (const auto* n = t->get(key)) return position_of(*n);
  return position_of(*t);
}

void check_vrrp(diagnostic_sink& sink, const parsed_config& pc) {
  value_reader values(sink);
  std::map<std::string, const parsed_vrrp*> names;
  std::map<std::tuple<std::string, int, int>, const parsed_vrrp*> keys;
  std::map<ip_address, const parsed_vrrp*> vips;
  std::map<std::string, const parsed_vrrp*> vmacs;
  std::map<std::string, const parsed_vrrp*> interfaces;
  for (const auto& v : pc.vrrp) interfaces.emplace(v.model.interface, &v);
  std::map<std::string, std::vector<const parsed_vrrp*>> groups;
  for (const auto& v : pc.vrrp) {
    const auto& m = v.model;
    if (v.name_ok) {
      auto [it, fresh] = names.emplace(m.name, &v);
      if (!fresh) {
        values.error(pos_in(v.source, "name"), fmt::format("vrrp[{}].name", m.name),
                     fmt::format("'{}' is already used by the instance at line {}", m.name,
                                 pos_in(it->second->source, "name").line));
      }
    }
    if (v.key_ok) {
      auto [it, fresh] = keys.emplace(std::tuple{m.interface, m.vrid, static_cast<int>(m.family)}, &v);
      if (!fresh) {
        values.error(pos_in(v.source, "vrid"), fmt::format("vrrp[{}].vrid", m.name),
                     fmt::format("vrid {} on {} ({}) is already used by vrrp[{}]", m.vrid, m.interface,
                                 to_string(m.family), it->second->model.name));
      }
    }
    for (const auto& vip : m.virtual_ips) {
      auto [it, fresh] = vips.emplace(vip.address.address, &v);
      if (!fresh && it->second != &v) {
        values.error(pos_in(v.source, "virtual_ips"), fmt::format("vrrp[{}].virtual_ips", m.name),
                     fmt::format("{} is already a virtual IP of vrrp[{}]", vip.address.address.to_string(),
                                 it->second->model.name));
      }
    }
    if (m.vmac_interface) {
      const auto where = fmt::format("vrrp[{}].vmac_interface", m.name);
      const auto at =
          pos_in(v.source, v.source != nullptr && v.source->contains("vmac_interface") ? "vmac_interface" : "use_vmac");
      if (auto [it, fresh] = vmacs.emplace(*m.vmac_interface, &v); !fresh) {
        values.error(at, where,
                     fmt::format("{} is already the macvlan of vrrp[{}]: give each instance its own vmac_interface",
                                 *m.vmac_interface, it->second->model.name));
      } else if (auto i = interfaces.find(*m.vmac_interface); i != interfaces.end()) {
        values.error(at, where,
                     fmt::format("{} is the interface of vrrp[{}]", *m.vmac_interface, i->second->model.name));
      }
    }
    if (m.sync_group) groups[*m.sync_group].push_back(&v);
  }
  // A [[sync_group]] table names a group its members declare; one nobody joins is a typo.
  std::map<std::string, const parsed_sync_group*> tables;
  for (const auto& g : pc.sync_groups) {
    if (!g.name_ok) continue;
    const std::string path = fmt::format("sync_group[{}].name", g.model.name);
    if (auto [it, fresh] = tables.emplace(g.model.name, &g); !fresh) {
      values.error(pos_in(g.source, "name"), path,
                   fmt::format("'{}' is already used by the sync group at line {}", g.model.name,
                               pos_in(it->second->source, "name").line));
    } else if (groups.count(g.model.name) == 0) {
      std::vector<std::string_view> candidates;
      candidates.reserve(groups.size());
      for (const auto& [n, _] : groups) candidates.push_back(n);
      values.error(
          pos_in(g.source, "name"), path,
          fmt::format("no [[vrrp]] has sync_group = \"{}\"{}", g.model.name, suggestion(g.model.name, candidates)));
    }
  }
  // The VIPs of a member wait for one master command: the group's or the instance's own.
  for (const auto& v : pc.vrrp) {
    const auto& m = v.model;
    if (!m.sync_group || m.notify.master_wait == duration::zero()) continue;
    auto t = tables.find(*m.sync_group);
    if (t == tables.end() || t->second->model.notify.master_wait == duration::zero()) continue;
    values.error(pos_in(v.source, "notify"), fmt::format("vrrp[{}].notify.master_wait", m.name),
                 fmt::format("sync group '{}' already holds the VIPs of its members for its own master command; "
                             "set master_wait on the group or on the instance, not both",
                             *m.sync_group));
  }
  for (const auto& [group, members] : groups) {
    if (members.size() == 1) {
      const auto& v = *members.front();
      values.warning(pos_in(v.source, "sync_group"), fmt::format("vrrp[{}].sync_group", v.model.name),
                     fmt::format("'{}' has no other member; a sync group moves several instances together", group));
    }
  }
  if (pc.ipvs.sync_daemon && !pc.ipvs.sync_daemon->follow.empty() && names.count(pc.ipvs.sync_daemon->follow) == 0) {
    std::vector<std::string_view> candidates;
    candidates.reserve(names.size());
    for (const auto& [n, _] : names) candidates.push_back(n);
    const auto& follow = pc.ipvs.sync_daemon->follow;
    values.error(pos_in(pc.sync_daemon_source, "follow"), "ipvs.sync_daemon.follow",
                 fmt::format("no vrrp instance is named '{}'{}", follow, suggestion(follow, candidates)));
  }
}

void check_virtual_servers(diagnostic_sink& sink, const parsed_config& pc) {
  value_reader values(sink);
  std::map<std::string, const parsed_virtual_server*> names;
  std::map<std::string, const parsed_virtual_server*> keys;
  std::vector<std::string_view> vrrp_names;
  for (const auto& v : pc.vrrp) {
    if (v.name_ok) vrrp_names.push_back(v.model.name);
  }
  for (const auto& p : pc.virtual_servers) {
    const auto& vs = p.model;
    const std::string path = fmt::format("virtual_server[{}]", p.name_ok ? vs.name : "?");
    if (p.name_ok) {
      auto [it, fresh] = names.emplace(vs.name, &p);
      if (!fresh) {
        values.error(p.at.name, path + ".name",
                     fmt::format("'{}' is already used by the service at line {}", vs.name, it->second->at.name.line));
      }
    }
    if (p.key_ok) {
      std::vector<std::uint32_t> marks = vs.more_fwmarks;
      if (vs.fwmark) marks.insert(marks.begin(), *vs.fwmark);
      for (std::size_t i = 0; i < marks.size(); ++i) {
        if (!pc.ipvs.data_path.contains(marks[i])) continue;
        values.error(
            i < p.at.entries.size() ? p.at.entries[i] : p.at.fwmark, path + ".fwmark",
            fmt::format("{} is in the marks lbd gives its data-path checks ({} to {}, "
                        "ipvs.data_path_fwmark_base and data_path_fwmark_count)",
                        marks[i], pc.ipvs.data_path.base, pc.ipvs.data_path.base + (pc.ipvs.data_path.count - 1)));
      }
      if (vs.method == forwarding::fullnat && !pc.ipvs.fullnat.pool_of(vs.family)) {
        values.error(p.at.forwarding, path + ".forwarding",
                     fmt::format("fullnat needs the local addresses its connections leave from: set [ipvs] {}",
                                 vs.family == address_family::inet ? "fullnat_pool4" : "fullnat_pool6"));
      }
      const auto entry_keys = entry_points(vs);
      for (std::size_t i = 0; i < entry_keys.size(); ++i) {
        auto [it, fresh] = keys.emplace(entry_keys[i], &p);
        if (fresh) continue;
        const position at = i < p.at.entries.size() ? p.at.entries[i] : (vs.address ? p.at.address : p.at.fwmark);
        values.error(
            at, path,
            fmt::format("{} is already the service virtual_server[{}]", entry_keys[i], it->second->model.name));
      }
    }
    const vrrp_instance* bound = nullptr;
    if (vs.vrrp) {
      for (const auto& v : pc.vrrp) {
        if (v.name_ok && v.model.name == *vs.vrrp) bound = &v.model;
      }
      if (bound == nullptr) {
        values.error(p.at.vrrp, path + ".vrrp",
                     fmt::format("no vrrp instance is named '{}'{}", *vs.vrrp, suggestion(*vs.vrrp, vrrp_names)));
        continue;
      }
    }
    // An anycast service's VIP is announced over BGP, not held by an instance (check_anycast).
    if (!vs.address || !p.key_ok || vs.anycast) continue;
    std::vector<endpoint> addresses{*vs.address};
    addresses.insert(addresses.end(), vs.more_addresses.begin(), vs.more_addresses.end());
    for (std::size_t i = 0; i < addresses.size(); ++i) {
      // An address is served only while some instance holds it as a VIP.
      const ip_address& ip = addresses[i].address;
      auto holds = [&](const vrrp_instance& v) {
        return std::any_of(v.virtual_ips.begin(), v.virtual_ips.end(),
                           [&](const virtual_ip& x) { return x.address.address == ip; });
      };
      const position at = i < p.at.entries.size() ? p.at.entries[i] : p.at.address;
      if (bound != nullptr && !holds(*bound)) {
        values.warning(at, path + ".address",
                       fmt::format("{} is not a virtual IP of vrrp[{}]", ip.to_string(), bound->name));
      } else if (bound == nullptr &&
                 std::none_of(pc.vrrp.begin(), pc.vrrp.end(), [&](const parsed_vrrp& v) { return holds(v.model); })) {
        values.warning(at, path + ".address",
                       fmt::format("{} is not a virtual IP of any vrrp instance", ip.to_string()));
      }
    }
  }
}

}  // namespace

void cross_check(diagnostic_sink& sink, const parsed_config& parsed) {
  check_vrrp(sink, parsed);
  check_virtual_servers(sink, parsed);
  check_anycast(sink, parsed);
}

}  // namespace lbd::config::detail

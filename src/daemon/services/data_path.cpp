// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/services/data_path.hpp"

#include <algorithm>
#include <string_view>
#include <vector>

#include "daemon/services/desired_table.hpp"

namespace lbd::daemon {
namespace {

// FNV-1a: stable across builds and platforms, unlike std::hash, so a mark survives an upgrade.
std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 14695981039346656037ULL) {
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

bool has_data_path_check(const config::real_server& rs) {
  return std::any_of(rs.checks->begin(), rs.checks->end(), [](const config::check_settings& c) {
    return c.data_path && (std::holds_alternative<healthcheck::tcp_params>(c.params) ||
                           std::holds_alternative<healthcheck::http_params>(c.params));
  });
}

ipvs::address_family family_of(const config::virtual_server& vs) {
  return vs.family == config::address_family::inet ? ipvs::address_family::ipv4 : ipvs::address_family::ipv6;
}

}  // namespace

std::size_t data_path_servers(const config::config& cfg) {
  std::size_t n = 0;
  for (const auto& vs : cfg.virtual_servers) {
    if (!vs.address) continue;
    for (const auto& rs : vs.real_servers) {
      if (rs.method != config::forwarding::nat && has_data_path_check(rs)) ++n;
    }
  }
  return n;
}

data_path_mark_map data_path_marks(const config::config& cfg) {
  const auto& range = cfg.ipvs.data_path;
  struct wanted {
    std::uint32_t slot;
    server_ref ref;
  };
  std::vector<wanted> all;
  for (const auto& vs : cfg.virtual_servers) {
    if (!vs.address) continue;
    for (const auto& rs : vs.real_servers) {
      if (rs.method == config::forwarding::nat || !has_data_path_check(rs)) continue;
      const auto h = fnv1a(to_string(rs.address), fnv1a(vs.name + '\0'));
      all.push_back({static_cast<std::uint32_t>(h % range.count), server_ref{vs.name, rs.address}});
    }
  }
  // By preferred slot, then by name: the outcome depends on the set of servers, not on their order
  // in the file.
  std::sort(all.begin(), all.end(),
            [](const wanted& a, const wanted& b) { return a.slot != b.slot ? a.slot < b.slot : a.ref < b.ref; });
  data_path_mark_map out;
  std::vector<bool> taken(range.count, false);
  for (const auto& w : all) {
    if (out.size() == range.count) break;
    std::uint32_t slot = w.slot;
    while (taken[slot]) slot = slot + 1 == range.count ? 0 : slot + 1;
    taken[slot] = true;
    out.emplace(w.ref, range.base + slot);
  }
  return out;
}

std::optional<healthcheck::data_path_target> data_path_target_of(const data_path_mark_map& marks,
                                                                 const config::virtual_server& vs,
                                                                 const config::real_server& rs) {
  const auto it = marks.find(server_ref{vs.name, rs.address});
  if (it == marks.end() || !vs.address) return std::nullopt;
  return healthcheck::data_path_target{vs.address->address, it->second};
}

void add_data_path_services(const config::config& cfg, const data_path_mark_map& marks, ipvs::desired_state& out) {
  for (const auto& vs : cfg.virtual_servers) {
    for (const auto& rs : vs.real_servers) {
      const auto it = marks.find(server_ref{vs.name, rs.address});
      if (it == marks.end()) continue;
      const auto key = ipvs::service_key::mark(family_of(vs), it->second);
      ipvs::service svc;
      svc.attrs.scheduler = "rr";
      svc.dests[dest_key_of(rs.address)] = ipvs::dest{dest_attrs_of(vs, rs.method, 1), {}};
      out.services[key] = std::move(svc);
      out.owned.insert(key);
    }
  }
}

std::set<ipvs::service_key> owned_services(const config::config& cfg, const data_path_mark_map& marks) {
  std::set<ipvs::service_key> out;
  for (const auto& vs : cfg.virtual_servers) {
    for (const auto& k : service_keys_of(vs)) out.insert(k);
  }
  for (const auto& entry : marks) {
    const auto* vs = cfg.find_virtual_server(entry.first.service);
    if (vs != nullptr) out.insert(ipvs::service_key::mark(family_of(*vs), entry.second));
  }
  return out;
}

}  // namespace lbd::daemon

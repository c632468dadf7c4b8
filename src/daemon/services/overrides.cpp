// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/services/overrides.hpp"

#include <algorithm>

namespace lbd::daemon {

std::string_view to_string(override_kind k) { return k == override_kind::drain ? "drain" : "weight"; }

result<std::vector<server_ref>, std::string> find_servers(const config::config& cfg, const std::string& server,
                                                          const std::optional<std::string>& service) {
  auto address = parse_endpoint(server, false);
  if (!address) return unexpected("'" + server + "' is not a real server address (ip:port): " + address.error());
  if (service && cfg.find_virtual_server(*service) == nullptr) {
    return unexpected("no virtual server '" + *service + "'");
  }
  std::vector<server_ref> out;
  for (const auto& vs : cfg.virtual_servers) {
    if (service && vs.name != *service) continue;
    for (const auto& rs : vs.real_servers) {
      if (rs.address == *address) out.push_back(server_ref{vs.name, rs.address});
    }
  }
  if (out.empty()) {
    return unexpected("no real server " + to_string(*address) +
                      (service ? " in service '" + *service + "'" : std::string(" in any service")));
  }
  return out;
}

const override_entry* overrides::find(const server_ref& s) const {
  const auto it = entries_.find(s);
  return it == entries_.end() ? nullptr : &it->second;
}

bool overrides::any_drain(const std::string& service) const {
  return std::any_of(entries_.begin(), entries_.end(), [&](const auto& kv) {
    return kv.first.service == service && kv.second.kind == override_kind::drain;
  });
}

std::vector<server_ref> overrides::prune(const config::config& cfg) {
  std::vector<server_ref> gone;
  for (auto it = entries_.begin(); it != entries_.end();) {
    const auto* vs = cfg.find_virtual_server(it->first.service);
    const bool present = vs != nullptr && std::any_of(vs->real_servers.begin(), vs->real_servers.end(),
                                                      [&](const auto& rs) { return rs.address == it->first.address; });
    if (present) {
      ++it;
    } else {
      gone.push_back(it->first);
      it = entries_.erase(it);
    }
  }
  return gone;
}

}  // namespace lbd::daemon

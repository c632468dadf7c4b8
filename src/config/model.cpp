// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/model.hpp"

#include <algorithm>

namespace lbd::config {

const vrrp_instance* config::find_vrrp(std::string_view name) const {
  auto it = std::find_if(vrrp.begin(), vrrp.end(), [&](const vrrp_instance& v) { return v.name == name; });
  return it == vrrp.end() ? nullptr : &*it;
}

const virtual_server* config::find_virtual_server(std::string_view name) const {
  auto it = std::find_if(virtual_servers.begin(), virtual_servers.end(),
                         [&](const virtual_server& v) { return v.name == name; });
  return it == virtual_servers.end() ? nullptr : &*it;
}

}  // namespace lbd::config

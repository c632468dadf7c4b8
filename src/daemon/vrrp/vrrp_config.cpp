// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/vrrp/vrrp_config.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace lbd::daemon {
namespace {

bool is_link_local(const ip_address& a) { return a.is_v6() && a.to_v6().is_link_local(); }

bool is_vip(const config::vrrp_instance& v, const ip_address& a) {
  return std::any_of(v.virtual_ips.begin(), v.virtual_ips.end(),
                     [&](const config::virtual_ip& vip) { return vip.address.address == a; });
}

}  // namespace

std::optional<ip_address> configured_source(const config::vrrp_instance& v) {
  if (v.unicast_source) return v.unicast_source;
  return v.mcast_source;
}

result<ip_address, std::string> choose_primary(const config::vrrp_instance& v,
                                               const std::vector<netif::interface_address>& on_interface) {
  const bool v6 = v.family == config::address_family::inet6;
  // IPv6: link-local unless the unicast peers are reached by a wider scope.
  const bool want_link_local = v6 && (!v.unicast() || is_link_local(v.unicast_peers.front()));
  const netif::interface_address* tentative = nullptr;
  for (const auto& a : on_interface) {
    const ip_address& ip = a.address.address;
    if (ip.is_v6() != v6 || is_vip(v, ip)) continue;
    if (v6 && is_link_local(ip) != want_link_local) continue;
    if (a.tentative) {
      if (tentative == nullptr) tentative = &a;
      continue;
    }
    return ip;
  }
  if (tentative != nullptr) {
    return unexpected(fmt::format("vrrp instance '{}': {} on {} is still tentative (duplicate address detection)",
                                  v.name, tentative->address.address.to_string(), v.interface));
  }
  return unexpected(fmt::format("vrrp instance '{}': interface {} has no {} address to send adverts from{}", v.name,
                                v.interface, v6 ? (want_link_local ? "link-local IPv6" : "global IPv6") : "IPv4",
                                v.unicast() ? " (set unicast_source)" : " (set mcast_source)"));
}

vrrp::instance_config to_instance_config(const config::vrrp_instance& v, const ip_address& primary) {
  vrrp::instance_config c;
  c.name = v.name;
  c.interface = v.interface;
  c.vrid = v.vrid;
  c.version = v.version == 2 ? vrrp::version::v2 : vrrp::version::v3;
  c.priority = v.priority;
  c.advert_interval = std::chrono::duration_cast<vrrp::centiseconds>(v.advert_interval);
  c.preempt = v.preempt;
  c.preempt_delay = v.preempt_delay;
  c.accept_mode = v.accept_mode;
  c.primary_address = primary;
  for (const auto& vip : v.virtual_ips) {
    c.virtual_ips.push_back(vip.address);
    c.vip_labels.push_back(vip.label);
  }
  c.unicast_peers = v.unicast_peers;
  c.unicast_ttl_check = v.unicast_require_ttl_255;
  if (v.auth_password) c.auth = vrrp::v2_auth::simple_password(*v.auth_password);
  for (const auto& t : v.track_interfaces) c.track_interfaces.push_back(vrrp::tracked_interface{t.name, t.weight});
  for (const auto& s : v.track_scripts) {
    c.track_scripts.push_back(vrrp::tracked_script{s.name, s.weight, s.rise, s.fall, true});
  }
  c.virtual_routes = v.virtual_routes;
  c.virtual_rules = v.virtual_rules;
  c.vmac_interface = v.vmac_interface;
  c.vmac_xmit_base = v.vmac_xmit_base;
  c.garp.repeat = v.garp.repeat;
  c.garp.interval = v.garp.delay;
  c.garp.refresh = v.garp.refresh;
  c.garp.second_burst = v.garp.master_delay;
  return c;
}

}  // namespace lbd::daemon

// SPDX-License-Identifier: GPL-2.0-or-later
#include "vrrp/instance_config.hpp"

#include <fmt/format.h>

namespace lbd::vrrp {

const std::string& label_of(const instance_config& c, const prefix& vip) {
  static const std::string none;
  for (std::size_t i = 0; i < c.virtual_ips.size() && i < c.vip_labels.size(); ++i) {
    if (c.virtual_ips[i] == vip) return c.vip_labels[i];
  }
  return none;
}

const std::string& vip_interface(const instance_config& c) {
  return c.vmac_interface ? *c.vmac_interface : c.interface;
}

const std::string& advert_interface(const instance_config& c) {
  return c.vmac_interface && !c.vmac_xmit_base && c.unicast_peers.empty() ? *c.vmac_interface : c.interface;
}

status<std::vector<std::string>> validate(const instance_config& c) {
  std::vector<std::string> errors;
  auto fail = [&](std::string m) { errors.push_back(fmt::format("vrrp instance '{}': {}", c.name, m)); };
  if (c.name.empty()) fail("name is empty");
  if (c.interface.empty()) fail("interface is empty");
  if (c.vmac_interface && (c.vmac_interface->empty() || *c.vmac_interface == c.interface))
    fail("the vmac interface must be named, and not as the interface");
  if (c.vrid == 0) fail("vrid must be 1..255");
  if (c.priority == 0) fail("priority must be 1..255 (0 is reserved for 'leaving')");
  const auto cs = c.advert_interval.count();
  if (c.version == version::v3) {
    if (cs < 1 || cs > 4095) fail("advert_interval must be 10ms..40.95s in steps of 10ms for VRRPv3");
  } else if (cs % 100 != 0 || cs < 100 || cs > 25500) {
    fail("advert_interval must be a whole number of seconds 1..255 for VRRPv2");
  }
  if (c.primary_address.is_unspecified()) fail("primary (source) address is not set");
  const family f = family_of(c.primary_address);
  if (c.version == version::v2 && f != family::ipv4) fail("VRRPv2 is IPv4 only; use version 3 for IPv6");
  if (c.virtual_ips.empty()) fail("no virtual_ips");
  if (c.virtual_ips.size() > 255) fail("more than 255 virtual_ips");
  if (c.vip_labels.size() > c.virtual_ips.size()) fail("more labels than virtual_ips");
  for (const auto& l : c.vip_labels) {
    if (!l.empty() && f != family::ipv4) fail(fmt::format("address label '{}' on an IPv6 instance", l));
  }
  for (const auto& p : c.virtual_ips) {
    if (family_of(p.address) != f)
      fail(fmt::format("virtual ip {} is not of the primary address's family", to_string(p)));
  }
  for (const auto& a : c.unicast_peers) {
    if (family_of(a) != f) fail(fmt::format("unicast peer {} is not of the primary address's family", a.to_string()));
    if (a == c.primary_address) fail(fmt::format("unicast peer {} is our own address", a.to_string()));
  }
  if (c.version == version::v3 && c.auth.type != auth_type::none) fail("authentication exists only in VRRPv2");
  if (c.auth.type == auth_type::ip_ah) fail("IP AH authentication was removed by RFC 3768");
  if (c.preempt_delay.count() < 0) fail("preempt_delay is negative");
  if (c.garp.interval.count() < 0 || c.garp.refresh.count() < 0) fail("garp interval/refresh is negative");
  if (!errors.empty()) return unexpected(std::move(errors));
  return ok;
}

}  // namespace lbd::vrrp

// SPDX-License-Identifier: GPL-2.0-or-later
#include "vrrp/vmac.hpp"

#include <fmt/format.h>

namespace lbd::vrrp {

mac_address virtual_mac(std::uint8_t vrid, bool ipv6) {
  return mac_address{0x00, 0x00, 0x5e, 0x00, static_cast<std::uint8_t>(ipv6 ? 0x02 : 0x01), vrid};
}

std::string to_string(const mac_address& m) {
  return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", m[0], m[1], m[2], m[3], m[4], m[5]);
}

vmac_action decide(const std::optional<found_link>& found, unsigned base_ifindex, const mac_address& want) {
  if (!found) return vmac_action::create;
  if (!found->macvlan) return vmac_action::refuse;
  if (found->base_ifindex == base_ifindex && found->mac == want && found->private_mode) return vmac_action::adopt;
  return vmac_action::recreate;
}

}  // namespace lbd::vrrp

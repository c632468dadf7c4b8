// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// From lbd.conf's [[vrrp]] to what the VRRP runner drives, pure. The only thing the config cannot
// say is the primary address when neither unicast_source nor mcast_source is set: the I/O part
// lists the interface's addresses and choose_primary() picks one.
#include <optional>
#include <string>
#include <vector>

#include "common/address.hpp"
#include "common/interface_address.hpp"
#include "common/result.hpp"
#include "config/model.hpp"
#include "vrrp/instance_config.hpp"

namespace lbd::daemon {

// unicast_source or mcast_source, whichever the instance sets; none: ask the interface.
std::optional<ip_address> configured_source(const config::vrrp_instance& v);

// The interface's address an instance speaks from when the config names none:
// - IPv4: the first IPv4 address of the interface;
// - IPv6: the first link-local address (RFC 5798 5.1.2.1: adverts come from the link-local address),
//   except for unicast to peers that are not link-local, where the first global address is taken.
// The instance's own VIPs never count (a crashed predecessor may have left them on the interface),
// nor do tentative IPv6 addresses (the kernel refuses them as sources until their duplicate address
// detection succeeds; the runtime tries again).
result<ip_address, std::string> choose_primary(const config::vrrp_instance& v,
                                               const std::vector<netif::interface_address>& on_interface);

vrrp::instance_config to_instance_config(const config::vrrp_instance& v, const ip_address& primary);

}  // namespace lbd::daemon

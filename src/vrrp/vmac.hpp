// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The virtual router MAC of RFC 5798 section 7.3 (keepalived's use_vmac): a VRRP instance may hold
// its VIPs on a macvlan of its interface whose MAC is 00:00:5e:00:01:VRID (IPv6 00:00:5e:00:02:VRID),
// so that a takeover moves the VIPs without any host or switch learning a new MAC. Pure: the MAC
// and what to do with an interface already there under the macvlan's name.
#include <cstdint>
#include <optional>
#include <string>

#include "vrrp/announce.hpp"

namespace lbd::vrrp {

mac_address virtual_mac(std::uint8_t vrid, bool ipv6);
// "00:00:5e:00:01:33".
std::string to_string(const mac_address& mac);

// An interface found under the macvlan's name.
struct found_link {
  bool macvlan = false;
  bool private_mode = false;  // macvlan mode private: hears only frames from outside
  unsigned base_ifindex = 0;
  mac_address mac{};
};

enum class vmac_action : std::uint8_t {
  create,    // nothing there
  adopt,     // ours from an earlier run (a crash or a restart): kept, with any VIPs on it
  recreate,  // a macvlan of another base, MAC or mode: removed and created again
  refuse,    // not a macvlan: someone else's interface, never removed
};
vmac_action decide(const std::optional<found_link>& found, unsigned base_ifindex, const mac_address& want);

}  // namespace lbd::vrrp

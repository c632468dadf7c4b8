// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What a real server behind an LVS director needs, as a plan computed from what the host already
// has: for direct routing the VIP on lo and ARP kept quiet about it (arp_ignore=1, arp_announce=2);
// for tunnelling the VIP on the tunnel device, which must be up, with reverse-path filtering loose
// enough to accept the decapsulated packets. Pure: the host's state in, the changes out, so a second
// run plans nothing.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/address.hpp"

namespace lbd::ctl::realserver {

enum class mode { dr, tun };

struct request {
  mode how = mode::dr;
  ip_address vip;
};

struct host_state {
  std::map<std::string, std::string> sysctls;  // "net.ipv4.conf.all.arp_ignore" -> "0"; absent: no such key
  std::vector<prefix> addresses_on_device;     // of the device the VIP belongs on (lo, tunl0, ip6tnl0)
  bool device_present = true;
  bool device_up = true;
};

struct change {
  enum class kind { load_module, link_up, set_sysctl, add_address, delete_address };
  kind what = kind::set_sysctl;
  std::string target;  // module, device or sysctl key
  std::string from;    // set_sysctl: the current value
  std::string to;      // set_sysctl: the new value
  std::optional<prefix> address;
  friend bool operator==(const change&, const change&) = default;
};

// Device that carries the VIP: lo for DR, tunl0 / ip6tnl0 for TUN.
std::string vip_device(const request& r);
// Kernel module that provides the tunnel device (empty for DR).
std::string tunnel_module(const request& r);
// Sysctl keys the plan needs to read.
std::vector<std::string> sysctls_of_interest(const request& r);

std::vector<change> plan_setup(const request& r, const host_state& h);
// Teardown removes the VIP only: the ARP and rp_filter settings are host-wide and may serve other VIPs.
std::vector<change> plan_teardown(const request& r, const host_state& h);

// "set net.ipv4.conf.all.arp_ignore 0 -> 1", "add 192.0.2.10/32 to lo", ...
std::string describe(const change& c);

}  // namespace lbd::ctl::realserver

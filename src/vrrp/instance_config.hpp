// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Plain description of one VRRP instance, filled by the daemon from lbd.conf. Defaults follow
// keepalived where keepalived users would expect them.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/address.hpp"
#include "common/result.hpp"
#include "common/route_spec.hpp"
#include "vrrp/packet.hpp"
#include "vrrp/tracking.hpp"
#include "vrrp/types.hpp"

namespace lbd::vrrp {

struct garp_config {
  unsigned repeat = 5;                  // gratuitous ARPs / unsolicited NAs sent on becoming master
  std::chrono::nanoseconds interval{};  // between two of them (0: back to back)
  std::chrono::nanoseconds refresh{};   // while master, repeat the burst this often (0: never)
  // On becoming master, one more burst this long after the first ends (0: none); keepalived's
  // garp_master_delay, for switches and routers that missed the first while the link settled.
  std::chrono::nanoseconds second_burst{};
  friend bool operator==(const garp_config&, const garp_config&) = default;
};

struct instance_config {
  std::string name;
  std::string interface;
  std::uint8_t vrid = 0;  // 1..255
  vrrp::version version = version::v3;
  std::uint8_t priority = 100;  // 1..255; 255 = address owner
  centiseconds advert_interval{100};
  bool preempt = true;
  std::chrono::nanoseconds preempt_delay{};  // how long a lower-priority master is tolerated first
  bool accept_mode = false;                  // v3: accept packets to VIPs when not owner (reported only)
  ip_address primary_address;                // our source address; breaks priority ties
  std::vector<prefix> virtual_ips;           // all of the primary address's family
  // Address labels ("eth0:web", IPv4 only), index for index with virtual_ips; shorter or empty
  // entries mean no label.
  std::vector<std::string> vip_labels;
  std::vector<ip_address> unicast_peers;  // empty: multicast
  // Unicast only: also require TTL / hop limit 255 on received adverts (as multicast always does).
  // Off by default like keepalived: peers may be routed, and only listed peers are accepted.
  bool unicast_ttl_check = false;
  v2_auth auth;  // v2 only
  // The instance's own interface is always tracked (down => FAULT); these come on top.
  std::vector<tracked_interface> track_interfaces;
  std::vector<tracked_script> track_scripts;  // results come from outside (the daemon runs them)
  garp_config garp;
  // Added after the VIPs, removed before them (the runner's kernel adapter; the state machine only
  // says when the VIPs come and go).
  std::vector<netif::route_spec> virtual_routes;
  std::vector<netif::rule_spec> virtual_rules;
  // use_vmac: the VIPs live on this macvlan of `interface` with the virtual router MAC
  // (vrrp/vmac.hpp); adverts leave from it too, unless `vmac_xmit_base` or unicast peers (whose
  // adverts come to the base interface's own MAC).
  std::optional<std::string> vmac_interface;
  bool vmac_xmit_base = false;
};

// Where the VIPs (and their gratuitous ARPs) go: the macvlan with use_vmac, else the interface.
const std::string& vip_interface(const instance_config& c);
// Where adverts are sent and heard.
const std::string& advert_interface(const instance_config& c);

// The label configured for `vip`, empty when none.
const std::string& label_of(const instance_config& c, const prefix& vip);

// Checks what the state machine and the codec rely on. One message per problem.
status<std::vector<std::string>> validate(const instance_config& c);

}  // namespace lbd::vrrp

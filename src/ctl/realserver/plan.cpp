// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl/realserver/plan.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace lbd::ctl::realserver {
namespace {

prefix host_prefix(const ip_address& a) { return prefix{a, a.is_v4() ? 32U : 128U}; }

bool has_vip(const request& r, const host_state& h) {
  return std::any_of(h.addresses_on_device.begin(), h.addresses_on_device.end(),
                     [&](const prefix& p) { return p.address == r.vip; });
}

int as_int(const host_state& h, const std::string& key, int fallback) {
  auto it = h.sysctls.find(key);
  if (it == h.sysctls.end()) return fallback;
  try {
    return std::stoi(it->second);
  } catch (const std::exception&) {
    return fallback;
  }
}

void require_sysctl(std::vector<change>& out, const host_state& h, const std::string& key, bool (*good)(int),
                    int wanted) {
  auto it = h.sysctls.find(key);
  std::string current = it == h.sysctls.end() ? "" : it->second;
  if (good(as_int(h, key, -1))) return;
  out.push_back({change::kind::set_sysctl, key, current, std::to_string(wanted), std::nullopt});
}

}  // namespace

std::string vip_device(const request& r) {
  if (r.how == mode::dr) return "lo";
  return r.vip.is_v4() ? "tunl0" : "ip6tnl0";
}

std::string tunnel_module(const request& r) {
  if (r.how == mode::dr) return {};
  return r.vip.is_v4() ? "ipip" : "ip6_tunnel";
}

std::vector<std::string> sysctls_of_interest(const request& r) {
  if (!r.vip.is_v4()) return {};  // IPv6 answers neighbour solicitations only for the receiving device's addresses
  std::vector<std::string> keys{"net.ipv4.conf.all.arp_ignore", "net.ipv4.conf.all.arp_announce"};
  if (r.how == mode::tun) {
    keys.emplace_back("net.ipv4.conf.all.rp_filter");
    keys.emplace_back("net.ipv4.conf.tunl0.rp_filter");
  }
  return keys;
}

std::vector<change> plan_setup(const request& r, const host_state& h) {
  std::vector<change> out;
  auto dev = vip_device(r);
  if (r.how == mode::tun) {
    if (!h.device_present) out.push_back({change::kind::load_module, tunnel_module(r), "", "", std::nullopt});
    if (!h.device_present || !h.device_up) out.push_back({change::kind::link_up, dev, "", "", std::nullopt});
  }
  if (r.vip.is_v4()) {
    // Any arp_ignore >= 1 keeps the VIP out of ARP replies on other interfaces; 2 is what LVS needs
    // for arp_announce: never use the VIP as the source of our own ARP requests.
    require_sysctl(
        out, h, "net.ipv4.conf.all.arp_ignore", [](int v) { return v >= 1; }, 1);
    require_sysctl(
        out, h, "net.ipv4.conf.all.arp_announce", [](int v) { return v == 2; }, 2);
    if (r.how == mode::tun) {
      // The kernel uses the larger of "all" and the device's value: strict (1) on "all" would drop the
      // decapsulated packets, whose source is the client, so "all" becomes loose (2) and tunl0 off (0).
      require_sysctl(
          out, h, "net.ipv4.conf.all.rp_filter", [](int v) { return v != 1; }, 2);
      require_sysctl(
          out, h, "net.ipv4.conf.tunl0.rp_filter", [](int v) { return v == 0; }, 0);
    }
  }
  if (!has_vip(r, h)) out.push_back({change::kind::add_address, dev, "", "", host_prefix(r.vip)});
  return out;
}

std::vector<change> plan_teardown(const request& r, const host_state& h) {
  std::vector<change> out;
  for (const auto& p : h.addresses_on_device) {
    if (p.address == r.vip) out.push_back({change::kind::delete_address, vip_device(r), "", "", p});
  }
  return out;
}

std::string describe(const change& c) {
  switch (c.what) {
    case change::kind::load_module: return fmt::format("load kernel module {}", c.target);
    case change::kind::link_up: return fmt::format("bring {} up", c.target);
    case change::kind::set_sysctl:
      return fmt::format("set {} {} -> {}", c.target, c.from.empty() ? "(unset)" : c.from, c.to);
    case change::kind::add_address: return fmt::format("add {} to {}", to_string(*c.address), c.target);
    case change::kind::delete_address: return fmt::format("delete {} from {}", to_string(*c.address), c.target);
  }
  return "?";
}

}  // namespace lbd::ctl::realserver

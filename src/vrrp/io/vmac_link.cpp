// SPDX-License-Identifier: GPL-2.0-or-later
#include "vrrp/io/vmac_link.hpp"

#include <fmt/format.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/inet.h>
#include <netlink/route/link/inet6.h>
#include <netlink/route/link/macvlan.h>

#include <cstring>
#include <functional>
#include <map>
#include <mutex>

#include "common/interface_address.hpp"
#include "common/nl_address.hpp"
#include "common/nl_socket.hpp"
#include "common/rtnl_objects.hpp"
#include "vrrp/vmac.hpp"

namespace lbd::vrrp::io {
namespace {

using link_ptr = netif::rtnl_link_ptr;

// The base interfaces whose ARP settings lbd changed: how many macvlans of lbd's sit on each, and
// what the settings were before the first.
struct base_arp {
  unsigned users = 0;
  std::uint32_t arp_ignore = 0;
  std::uint32_t arp_filter = 0;
  std::uint32_t arp_announce = 0;
};
std::mutex bases_mutex;
std::map<std::string, base_arp>& bases() {
  static std::map<std::string, base_arp> m;
  return m;
}

std::string why(const char* what, const std::string& name, int rc) {
  return fmt::format("{} {}: {}", what, name, nl_geterror(rc));
}

result<link_ptr, int> get_link(nl_sock* sock, const std::string& name) {
  rtnl_link* raw = nullptr;
  if (int rc = rtnl_link_get_kernel(sock, 0, name.c_str(), &raw); rc < 0) return unexpected(rc);
  return link_ptr(raw);
}

std::optional<found_link> describe(rtnl_link* l) {
  found_link f;
  const char* type = rtnl_link_get_type(l);
  f.macvlan = type != nullptr && std::strcmp(type, "macvlan") == 0;
  if (f.macvlan) f.private_mode = rtnl_link_macvlan_get_mode(l) == MACVLAN_MODE_PRIVATE;
  f.base_ifindex = static_cast<unsigned>(rtnl_link_get_link(l));
  if (nl_addr* a = rtnl_link_get_addr(l); a != nullptr && nl_addr_get_len(a) == f.mac.size()) {
    std::memcpy(f.mac.data(), nl_addr_get_binary_addr(a), f.mac.size());
  }
  return f;
}

// A change to the interface of `ifindex`, built on a bare object: a base that is a bridge would make
// libnl send AF_BRIDGE, whose handler ignores IPv4 settings.
int change(nl_sock* sock, int ifindex, const std::function<void(rtnl_link*)>& set) {
  link_ptr orig(rtnl_link_alloc());
  link_ptr want(rtnl_link_alloc());
  if (!orig || !want) return -NLE_NOMEM;
  rtnl_link_set_ifindex(orig.get(), ifindex);
  set(want.get());
  return rtnl_link_change(sock, orig.get(), want.get(), 0);
}

status<std::string> take_base(nl_sock* sock, rtnl_link* base, const std::string& name) {
  std::lock_guard lock(bases_mutex);
  auto& b = bases()[name];
  if (b.users++ > 0) return ok;
  rtnl_link_inet_get_conf(base, IPV4_DEVCONF_ARP_IGNORE, &b.arp_ignore);
  rtnl_link_inet_get_conf(base, IPV4_DEVCONF_ARPFILTER, &b.arp_filter);
  rtnl_link_inet_get_conf(base, IPV4_DEVCONF_ARP_ANNOUNCE, &b.arp_announce);
  const int rc = change(sock, rtnl_link_get_ifindex(base), [](rtnl_link* l) {
    rtnl_link_inet_set_conf(l, IPV4_DEVCONF_ARP_IGNORE, 1);
    rtnl_link_inet_set_conf(l, IPV4_DEVCONF_ARPFILTER, 1);
    // A reply from a VIP to a neighbour on the same subnet may leave through the base (its route
    // came first): the base's ARP request for that neighbour must not name the VIP as sender, or
    // every host that hears it points the VIP at the base's MAC.
    rtnl_link_inet_set_conf(l, IPV4_DEVCONF_ARP_ANNOUNCE, 2);
  });
  if (rc < 0) {
    bases().erase(name);
    return unexpected(why("setting arp_ignore, arp_filter and arp_announce on", name, rc));
  }
  return ok;
}

void release_base(nl_sock* sock, const std::string& name, const log::logger& log) {
  std::lock_guard lock(bases_mutex);
  auto it = bases().find(name);
  if (it == bases().end() || --it->second.users > 0) return;
  const base_arp before = it->second;
  bases().erase(it);
  const unsigned index = if_nametoindex(name.c_str());
  if (index == 0) return;  // gone with its macvlans
  const int rc = change(sock, static_cast<int>(index), [&](rtnl_link* l) {
    rtnl_link_inet_set_conf(l, IPV4_DEVCONF_ARP_IGNORE, before.arp_ignore);
    rtnl_link_inet_set_conf(l, IPV4_DEVCONF_ARPFILTER, before.arp_filter);
    rtnl_link_inet_set_conf(l, IPV4_DEVCONF_ARP_ANNOUNCE, before.arp_announce);
  });
  if (rc < 0) log.warning("{}", why("restoring arp_ignore, arp_filter and arp_announce on", name, rc));
}

status<std::string> create(nl_sock* sock, const vmac_spec& s, int base_ifindex, const mac_address& mac) {
  link_ptr l(rtnl_link_macvlan_alloc());
  netif::nl_addr_ptr a(nl_addr_build(AF_LLC, mac.data(), mac.size()));
  if (!l || !a) return unexpected(std::string("out of memory"));
  rtnl_link_set_name(l.get(), s.name.c_str());
  rtnl_link_set_link(l.get(), base_ifindex);
  rtnl_link_set_addr(l.get(), a.get());
  rtnl_link_macvlan_set_mode(l.get(), MACVLAN_MODE_PRIVATE);
  if (int rc = rtnl_link_add(sock, l.get(), NLM_F_CREATE | NLM_F_EXCL); rc < 0) {
    return unexpected(why("creating the macvlan", s.name, rc));
  }
  return ok;
}

}  // namespace

result<std::unique_ptr<vmac_link>, std::string> vmac_link::open(const vmac_spec& s, const log::logger& log) {
  auto connected = netif::connect_route_socket();
  if (!connected) return unexpected(connected.error());
  nl_sock* sock = connected->get();
  auto base = get_link(sock, s.base);
  if (!base) return unexpected(why("no interface", s.base, base.error()));
  const int base_ifindex = rtnl_link_get_ifindex(base->get());
  const mac_address mac = virtual_mac(s.vrid, s.ipv6);
  std::optional<found_link> found;
  auto existing = get_link(sock, s.name);
  if (existing) found = describe(existing->get());
  switch (decide(found, static_cast<unsigned>(base_ifindex), mac)) {
    case vmac_action::refuse:
      return unexpected(fmt::format("{} exists and is not a macvlan: use_vmac needs another vmac_interface", s.name));
    case vmac_action::recreate:
      if (int rc = rtnl_link_delete(sock, existing->get()); rc < 0) {
        return unexpected(why("removing the earlier macvlan", s.name, rc));
      }
      log.notice("{} was a macvlan of another interface, MAC or mode: created again", s.name);
      [[fallthrough]];
    case vmac_action::create:
      if (auto c = create(sock, s, base_ifindex, mac); !c) return unexpected(c.error());
      log.info("{} created on {} with the virtual router MAC {}", s.name, s.base, vrrp::to_string(mac));
      break;
    case vmac_action::adopt: log.info("{} on {} kept from an earlier run", s.name, s.base); break;
  }
  auto made = get_link(sock, s.name);
  if (!made) return unexpected(why("no interface", s.name, made.error()));
  const int ifindex = rtnl_link_get_ifindex(made->get());
  std::unique_ptr<vmac_link> v(new vmac_link(s, static_cast<unsigned>(ifindex), log));
  // From here the destructor removes the macvlan (and gives the base its settings back).
  if (auto b = take_base(sock, base->get(), s.base); !b) return unexpected(b.error());
  int rc = change(sock, ifindex, [](rtnl_link* l) {
    rtnl_link_inet_set_conf(l, IPV4_DEVCONF_ARP_IGNORE, 1);
    rtnl_link_inet_set_conf(l, IPV4_DEVCONF_ACCEPT_LOCAL, 1);
    rtnl_link_inet_set_conf(l, IPV4_DEVCONF_RP_FILTER, 0);
    rtnl_link_inet_set_conf(l, IPV4_DEVCONF_PROMOTE_SECONDARIES, 1);
    rtnl_link_inet6_set_addr_gen_mode(l, IN6_ADDR_GEN_MODE_NONE);
  });
  if (rc < 0) return unexpected(why("setting up", s.name, rc));
  if (s.ipv6 && s.link_local) {
    if (auto a = netif::add_address(s.name, prefix{*s.link_local, 64}); !a) return unexpected(a.error());
  }
  rc = change(sock, ifindex, [](rtnl_link* l) { rtnl_link_set_flags(l, IFF_UP); });
  if (rc < 0) return unexpected(why("bringing up", s.name, rc));
  return v;
}

vmac_link::~vmac_link() {
  auto connected = netif::connect_route_socket();
  if (!connected) {
    log_.warning("{} not removed: {}", spec_.name, connected.error());
    return;
  }
  nl_sock* sock = connected->get();
  link_ptr l(rtnl_link_alloc());
  if (l) {
    rtnl_link_set_ifindex(l.get(), static_cast<int>(ifindex_));
    if (int rc = rtnl_link_delete(sock, l.get()); rc < 0 && rc != -NLE_NODEV && rc != -NLE_OBJ_NOTFOUND) {
      log_.warning("{}", why("removing", spec_.name, rc));
    } else {
      log_.info("{} removed", spec_.name);
    }
  }
  release_base(sock, spec_.base, log_);
}

}  // namespace lbd::vrrp::io

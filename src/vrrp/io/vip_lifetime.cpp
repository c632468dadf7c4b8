// SPDX-License-Identifier: GPL-2.0-or-later
#include "vrrp/io/vip_lifetime.hpp"

#include <fmt/format.h>
#include <linux/if_addr.h>
#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <sys/socket.h>

#include <memory>

#include "common/nl_address.hpp"
#include "common/nl_socket.hpp"
#include "common/rtnl_objects.hpp"

namespace lbd::vrrp::io {
namespace {

constexpr std::uint32_t forever = 0xffffffffU;  // INFINITY_LIFE_TIME

}  // namespace

status<std::string> set_vip_lifetime(const std::string& ifname, const prefix& vip, const std::string& label,
                                     std::optional<std::chrono::seconds> lifetime) {
  const unsigned ifindex = if_nametoindex(ifname.c_str());
  if (ifindex == 0) return unexpected(fmt::format("no interface named '{}'", ifname));
  auto sock = netif::connect_route_socket();
  if (!sock) return unexpected(sock.error());
  netif::rtnl_addr_ptr a(rtnl_addr_alloc());
  if (!a) return unexpected(std::string("out of memory"));
  const bool v4 = vip.address.is_v4();
  const netif::nl_addr_ptr local = netif::to_nl(vip);
  if (!local) return unexpected(std::string("out of memory"));
  rtnl_addr_set_ifindex(a.get(), static_cast<int>(ifindex));
  rtnl_addr_set_family(a.get(), v4 ? AF_INET : AF_INET6);
  if (int err = rtnl_addr_set_local(a.get(), local.get()); err < 0) {
    return unexpected(fmt::format("{}: {}", to_string(vip), nl_geterror(err)));
  }
  rtnl_addr_set_prefixlen(a.get(), static_cast<int>(vip.length));
  if (!v4) rtnl_addr_set_flags(a.get(), IFA_F_NODAD);
  if (v4 && !label.empty()) rtnl_addr_set_label(a.get(), label.c_str());
  const auto secs = lifetime ? static_cast<std::uint32_t>(lifetime->count()) : forever;
  rtnl_addr_set_valid_lifetime(a.get(), secs);
  rtnl_addr_set_preferred_lifetime(a.get(), secs);
  if (int err = rtnl_addr_add(sock->get(), a.get(), NLM_F_REPLACE); err < 0) {
    return unexpected(fmt::format("lifetime of {} on {}: {}", to_string(vip), ifname, nl_geterror(err)));
  }
  return ok;
}

}  // namespace lbd::vrrp::io

// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/interface_address.hpp"

#include <fmt/format.h>
#include <linux/if_addr.h>
#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <sys/socket.h>

#include <algorithm>
#include <optional>

#include "common/nl_address.hpp"
#include "common/rtnl_objects.hpp"

namespace lbd::netif {
namespace {

result<rtnl_addr_ptr, std::string> make(unsigned ifindex, const prefix& p) {
  rtnl_addr_ptr a(rtnl_addr_alloc());
  if (!a) return unexpected(std::string("out of memory"));
  auto local = to_nl(p);
  if (!local) return unexpected(std::string("out of memory"));
  rtnl_addr_set_ifindex(a.get(), static_cast<int>(ifindex));
  rtnl_addr_set_family(a.get(), p.address.is_v4() ? AF_INET : AF_INET6);
  if (int err = rtnl_addr_set_local(a.get(), local.get()); err < 0) {
    return unexpected(fmt::format("{}: {}", to_string(p), nl_geterror(err)));
  }
  rtnl_addr_set_prefixlen(a.get(), static_cast<int>(p.length));
  return a;
}

}  // namespace

result<std::unique_ptr<address_session>, std::string> address_session::open() {
  auto s = connect_route_socket();
  if (!s) return unexpected(s.error());
  return std::unique_ptr<address_session>(new address_session(std::move(*s)));
}

status<std::string> address_session::add(unsigned ifindex, const prefix& p, const std::string& label) {
  auto a = make(ifindex, p);
  if (!a) return unexpected(a.error());
  if (p.address.is_v6()) rtnl_addr_set_flags(a->get(), IFA_F_NODAD);
  if (!label.empty() && p.address.is_v4()) rtnl_addr_set_label(a->get(), label.c_str());
  const int err = rtnl_addr_add(sock_.get(), a->get(), 0);
  if (err < 0 && err != -NLE_EXIST) {
    return unexpected(fmt::format("add {} on ifindex {}: {}", to_string(p), ifindex, nl_geterror(err)));
  }
  return ok;
}

status<std::string> address_session::remove(unsigned ifindex, const prefix& p) {
  auto a = make(ifindex, p);
  if (!a) return unexpected(a.error());
  const int err = rtnl_addr_delete(sock_.get(), a->get(), 0);
  if (err < 0 && err != -NLE_NOADDR && err != -NLE_OBJ_NOTFOUND) {
    return unexpected(fmt::format("remove {} from ifindex {}: {}", to_string(p), ifindex, nl_geterror(err)));
  }
  return ok;
}

result<std::vector<interface_address>, std::string> address_session::list(unsigned ifindex) {
  nl_cache* raw = nullptr;
  if (int rc = rtnl_addr_alloc_cache(sock_.get(), &raw); rc < 0) {
    return unexpected(fmt::format("cannot read addresses: {}", nl_geterror(rc)));
  }
  nl_cache_ptr cache(raw);
  std::vector<interface_address> out;
  for (nl_object* o = nl_cache_get_first(cache.get()); o != nullptr; o = nl_cache_get_next(o)) {
    auto* a = reinterpret_cast<rtnl_addr*>(o);
    if (rtnl_addr_get_ifindex(a) != static_cast<int>(ifindex) || rtnl_addr_get_local(a) == nullptr) continue;
    auto ip = ip_of(rtnl_addr_get_local(a));
    if (!ip) continue;
    const char* label = rtnl_addr_get_label(a);
    const bool tentative = (rtnl_addr_get_flags(a) & (IFA_F_TENTATIVE | IFA_F_DADFAILED)) != 0;
    out.push_back(
        {prefix{*ip, static_cast<unsigned>(rtnl_addr_get_prefixlen(a))}, label != nullptr ? label : "", tentative});
  }
  return out;
}

result<unsigned, std::string> index_of(const std::string& ifname) {
  unsigned idx = if_nametoindex(ifname.c_str());
  if (idx == 0) return unexpected(fmt::format("no interface named '{}'", ifname));
  return idx;
}

namespace {
// Runs `f(session, ifindex)` on a fresh session for the named interface.
template <typename F>
auto with_interface(const std::string& ifname, F f) -> decltype(f(std::declval<address_session&>(), 0U)) {
  auto idx = index_of(ifname);
  if (!idx) return unexpected(idx.error());
  auto s = address_session::open();
  if (!s) return unexpected(s.error());
  return f(**s, *idx);
}
}  // namespace

result<std::vector<interface_address>, std::string> list_addresses(const std::string& ifname) {
  return with_interface(ifname, [](address_session& s, unsigned idx) { return s.list(idx); });
}

status<std::string> add_address(const std::string& ifname, const prefix& p, const std::string& label) {
  return with_interface(ifname, [&](address_session& s, unsigned idx) { return s.add(idx, p, label); });
}

status<std::string> delete_address(const std::string& ifname, const prefix& p) {
  return with_interface(ifname, [&](address_session& s, unsigned idx) { return s.remove(idx, p); });
}

status<std::string> set_link_up(const std::string& ifname) {
  auto connected = connect_route_socket();
  if (!connected) return unexpected(connected.error());
  const nl_socket s = std::move(*connected);
  rtnl_link* raw = nullptr;
  if (int rc = rtnl_link_get_kernel(s.get(), 0, ifname.c_str(), &raw); rc < 0) {
    return unexpected(fmt::format("no interface named '{}': {}", ifname, nl_geterror(rc)));
  }
  rtnl_link_ptr link(raw);
  rtnl_link_ptr change(rtnl_link_alloc());
  rtnl_link_set_flags(change.get(), IFF_UP);
  if (int rc = rtnl_link_change(s.get(), link.get(), change.get(), 0); rc < 0) {
    return unexpected(fmt::format("cannot bring {} up: {}", ifname, nl_geterror(rc)));
  }
  return ok;
}

}  // namespace lbd::netif

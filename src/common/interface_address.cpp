#include "common/interface_address.hpp"

#include <fmt/format.h>
#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <sys/socket.h>

#include <cerrno>
#include <memory>

namespace lbd::netif {
namespace {

struct sock_deleter {
  void operator()(nl_sock* s) const { nl_socket_free(s); }
};
struct addr_deleter {
  void operator()(rtnl_addr* a) const { rtnl_addr_put(a); }
};
struct nladdr_deleter {
  void operator()(nl_addr* a) const { nl_addr_put(a); }
};
struct cache_deleter {
  void operator()(nl_cache* c) const { nl_cache_free(c); }
};
struct link_deleter {
  void operator()(rtnl_link* l) const { rtnl_link_put(l); }
};

using sock_ptr = std::unique_ptr<nl_sock, sock_deleter>;

result<sock_ptr, std::string> connect() {
  sock_ptr s(nl_socket_alloc());
  if (!s) return unexpected(std::string("out of memory for a netlink socket"));
  if (int rc = nl_connect(s.get(), NETLINK_ROUTE); rc < 0) {
    return unexpected(fmt::format("rtnetlink: {}", nl_geterror(rc)));
  }
  return s;
}

std::unique_ptr<nl_addr, nladdr_deleter> to_nl(const prefix& p) {
  std::unique_ptr<nl_addr, nladdr_deleter> a;
  if (p.address.is_v4()) {
    auto bytes = p.address.to_v4().to_bytes();
    a.reset(nl_addr_build(AF_INET, bytes.data(), bytes.size()));
  } else {
    auto bytes = p.address.to_v6().to_bytes();
    a.reset(nl_addr_build(AF_INET6, bytes.data(), bytes.size()));
  }
  if (a) nl_addr_set_prefixlen(a.get(), static_cast<int>(p.length));
  return a;
}

std::unique_ptr<rtnl_addr, addr_deleter> build(int ifindex, const prefix& p, const std::string& label) {
  std::unique_ptr<rtnl_addr, addr_deleter> a(rtnl_addr_alloc());
  auto local = to_nl(p);
  if (!a || !local) return nullptr;
  rtnl_addr_set_ifindex(a.get(), ifindex);
  rtnl_addr_set_family(a.get(), p.address.is_v4() ? AF_INET : AF_INET6);
  rtnl_addr_set_local(a.get(), local.get());
  rtnl_addr_set_prefixlen(a.get(), static_cast<int>(p.length));
  if (!label.empty() && p.address.is_v4()) rtnl_addr_set_label(a.get(), label.c_str());
  return a;
}

}  // namespace

result<int, std::string> index_of(const std::string& ifname) {
  unsigned idx = if_nametoindex(ifname.c_str());
  if (idx == 0) return unexpected(fmt::format("no interface named '{}'", ifname));
  return static_cast<int>(idx);
}

result<std::vector<interface_address>, std::string> list_addresses(const std::string& ifname) {
  auto idx = index_of(ifname);
  if (!idx) return unexpected(idx.error());
  auto s = connect();
  if (!s) return unexpected(s.error());
  nl_cache* raw = nullptr;
  if (int rc = rtnl_addr_alloc_cache(s->get(), &raw); rc < 0) {
    return unexpected(fmt::format("cannot read addresses: {}", nl_geterror(rc)));
  }
  std::unique_ptr<nl_cache, cache_deleter> cache(raw);
  std::vector<interface_address> out;
  for (nl_object* o = nl_cache_get_first(cache.get()); o != nullptr; o = nl_cache_get_next(o)) {
    auto* a = reinterpret_cast<rtnl_addr*>(o);
    if (rtnl_addr_get_ifindex(a) != *idx) continue;
    nl_addr* local = rtnl_addr_get_local(a);
    if (local == nullptr) continue;
    ip_address ip;
    if (nl_addr_get_family(local) == AF_INET && nl_addr_get_len(local) == 4) {
      boost::asio::ip::address_v4::bytes_type b{};
      std::copy_n(static_cast<const unsigned char*>(nl_addr_get_binary_addr(local)), 4, b.begin());
      ip = boost::asio::ip::address_v4(b);
    } else if (nl_addr_get_family(local) == AF_INET6 && nl_addr_get_len(local) == 16) {
      boost::asio::ip::address_v6::bytes_type b{};
      std::copy_n(static_cast<const unsigned char*>(nl_addr_get_binary_addr(local)), 16, b.begin());
      ip = boost::asio::ip::address_v6(b);
    } else {
      continue;
    }
    const char* label = rtnl_addr_get_label(a);
    out.push_back({prefix{ip, static_cast<unsigned>(rtnl_addr_get_prefixlen(a))}, label != nullptr ? label : ""});
  }
  return out;
}

status<std::string> add_address(const std::string& ifname, const prefix& p, const std::string& label) {
  auto idx = index_of(ifname);
  if (!idx) return unexpected(idx.error());
  auto s = connect();
  if (!s) return unexpected(s.error());
  auto a = build(*idx, p, label);
  if (!a) return unexpected(std::string("out of memory building an address"));
  // IPv6 VIPs must be usable at once: a duplicate-address probe would delay them by a second or more.
  if (p.address.is_v6()) rtnl_addr_set_flags(a.get(), IFA_F_NODAD);
  int rc = rtnl_addr_add(s->get(), a.get(), 0);
  if (rc == -NLE_EXIST) return ok;
  if (rc < 0) return unexpected(fmt::format("cannot add {} to {}: {}", to_string(p), ifname, nl_geterror(rc)));
  return ok;
}

status<std::string> delete_address(const std::string& ifname, const prefix& p) {
  auto idx = index_of(ifname);
  if (!idx) return unexpected(idx.error());
  auto s = connect();
  if (!s) return unexpected(s.error());
  auto a = build(*idx, p, {});
  if (!a) return unexpected(std::string("out of memory building an address"));
  int rc = rtnl_addr_delete(s->get(), a.get(), 0);
  if (rc == -NLE_NOADDR || rc == -NLE_OBJ_NOTFOUND) return ok;
  if (rc < 0) return unexpected(fmt::format("cannot delete {} from {}: {}", to_string(p), ifname, nl_geterror(rc)));
  return ok;
}

status<std::string> set_link_up(const std::string& ifname) {
  auto s = connect();
  if (!s) return unexpected(s.error());
  rtnl_link* raw = nullptr;
  if (int rc = rtnl_link_get_kernel(s->get(), 0, ifname.c_str(), &raw); rc < 0) {
    return unexpected(fmt::format("no interface named '{}': {}", ifname, nl_geterror(rc)));
  }
  std::unique_ptr<rtnl_link, link_deleter> link(raw);
  std::unique_ptr<rtnl_link, link_deleter> change(rtnl_link_alloc());
  rtnl_link_set_flags(change.get(), IFF_UP);
  if (int rc = rtnl_link_change(s->get(), link.get(), change.get(), 0); rc < 0) {
    return unexpected(fmt::format("cannot bring {} up: {}", ifname, nl_geterror(rc)));
  }
  return ok;
}

}  // namespace lbd::netif

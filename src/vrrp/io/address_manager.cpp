#include "vrrp/io/address_manager.hpp"

#include <fmt/format.h>
#include <linux/if_addr.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <sys/socket.h>

namespace lbd::vrrp::io {
namespace {

struct addr_deleter {
  void operator()(rtnl_addr* a) const { rtnl_addr_put(a); }
};
struct nladdr_deleter {
  void operator()(nl_addr* a) const { nl_addr_put(a); }
};

result<std::unique_ptr<rtnl_addr, addr_deleter>, std::string> make(unsigned ifindex, const prefix& vip) {
  std::unique_ptr<rtnl_addr, addr_deleter> a(rtnl_addr_alloc());
  if (!a) return unexpected(std::string("out of memory"));
  std::unique_ptr<nl_addr, nladdr_deleter> local;
  if (vip.address.is_v4()) {
    auto b = vip.address.to_v4().to_bytes();
    local.reset(nl_addr_build(AF_INET, b.data(), b.size()));
  } else {
    auto b = vip.address.to_v6().to_bytes();
    local.reset(nl_addr_build(AF_INET6, b.data(), b.size()));
  }
  if (!local) return unexpected(std::string("out of memory"));
  nl_addr_set_prefixlen(local.get(), static_cast<int>(vip.length));
  rtnl_addr_set_ifindex(a.get(), static_cast<int>(ifindex));
  rtnl_addr_set_family(a.get(), vip.address.is_v4() ? AF_INET : AF_INET6);
  if (int err = rtnl_addr_set_local(a.get(), local.get()); err < 0) {
    return unexpected(fmt::format("{}: {}", to_string(vip), nl_geterror(err)));
  }
  rtnl_addr_set_prefixlen(a.get(), static_cast<int>(vip.length));
  return a;
}

}  // namespace

result<std::unique_ptr<address_manager>, std::string> address_manager::open() {
  nl_sock* s = nl_socket_alloc();
  if (s == nullptr) return unexpected(std::string("netlink socket: out of memory"));
  if (int err = nl_connect(s, NETLINK_ROUTE); err < 0) {
    nl_socket_free(s);
    return unexpected(fmt::format("netlink connect: {}", nl_geterror(err)));
  }
  return std::unique_ptr<address_manager>(new address_manager(s));
}

address_manager::~address_manager() { nl_socket_free(sock_); }

status<std::string> address_manager::add(unsigned ifindex, const prefix& vip, const std::string& label) {
  auto a = make(ifindex, vip);
  if (!a) return unexpected(a.error());
  if (vip.address.is_v6()) rtnl_addr_set_flags(a->get(), IFA_F_NODAD);
  if (!label.empty() && vip.address.is_v4()) rtnl_addr_set_label(a->get(), label.c_str());
  const int err = rtnl_addr_add(sock_, a->get(), 0);
  if (err < 0 && err != -NLE_EXIST) {
    return unexpected(fmt::format("add {} on ifindex {}: {}", to_string(vip), ifindex, nl_geterror(err)));
  }
  return ok;
}

status<std::string> address_manager::remove(unsigned ifindex, const prefix& vip) {
  auto a = make(ifindex, vip);
  if (!a) return unexpected(a.error());
  const int err = rtnl_addr_delete(sock_, a->get(), 0);
  if (err < 0 && err != -NLE_NOADDR && err != -NLE_OBJ_NOTFOUND) {
    return unexpected(fmt::format("remove {} from ifindex {}: {}", to_string(vip), ifindex, nl_geterror(err)));
  }
  return ok;
}

}  // namespace lbd::vrrp::io

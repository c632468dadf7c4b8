// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/nl_address.hpp"

#include <netlink/addr.h>
#include <sys/socket.h>

#include <cstring>

namespace lbd::netif {

void nl_addr_deleter::operator()(nl_addr* a) const { nl_addr_put(a); }

nl_addr_ptr to_nl(const prefix& p) {
  nl_addr_ptr a;
  if (p.address.is_v4()) {
    const auto b = p.address.to_v4().to_bytes();
    a.reset(nl_addr_build(AF_INET, b.data(), b.size()));
  } else {
    const auto b = p.address.to_v6().to_bytes();
    a.reset(nl_addr_build(AF_INET6, b.data(), b.size()));
  }
  if (a) nl_addr_set_prefixlen(a.get(), static_cast<int>(p.length));
  return a;
}

nl_addr_ptr to_nl(const ip_address& a) { return to_nl(prefix{a, a.is_v4() ? 32U : 128U}); }

std::optional<ip_address> ip_of(const nl_addr* a) {
  if (a == nullptr) return std::nullopt;
  if (nl_addr_get_family(a) == AF_INET && nl_addr_get_len(a) == 4) {
    boost::asio::ip::address_v4::bytes_type b{};
    std::memcpy(b.data(), nl_addr_get_binary_addr(a), b.size());
    return boost::asio::ip::address_v4(b);
  }
  if (nl_addr_get_family(a) == AF_INET6 && nl_addr_get_len(a) == 16) {
    boost::asio::ip::address_v6::bytes_type b{};
    std::memcpy(b.data(), nl_addr_get_binary_addr(a), b.size());
    return boost::asio::ip::address_v6(b);
  }
  return std::nullopt;
}

std::optional<prefix> prefix_of(const nl_addr* a) {
  auto ip = ip_of(a);
  if (!ip) return std::nullopt;
  return prefix{*ip, static_cast<unsigned>(nl_addr_get_prefixlen(a))};
}

}  // namespace lbd::netif

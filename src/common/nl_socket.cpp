// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/nl_socket.hpp"

#include <fmt/format.h>
#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

namespace lbd::netif {

void nl_socket_deleter::operator()(nl_sock* s) const noexcept { nl_socket_free(s); }

result<nl_socket, std::string> connect_route_socket() {
  nl_socket s(nl_socket_alloc());
  if (!s) return unexpected(std::string("netlink socket: out of memory"));
  if (int rc = nl_connect(s.get(), NETLINK_ROUTE); rc < 0) {
    return unexpected(fmt::format("netlink connect: {}", nl_geterror(rc)));
  }
  return s;
}

}  // namespace lbd::netif

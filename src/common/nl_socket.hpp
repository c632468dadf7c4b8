// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// One connected rtnetlink socket (libnl-3), freed with its owner: what every route, rule and
// address adapter opens first.
#include <memory>
#include <string>

#include "common/result.hpp"

struct nl_sock;

namespace lbd::netif {

struct nl_socket_deleter {
  void operator()(nl_sock* s) const noexcept;
};
using nl_socket = std::unique_ptr<nl_sock, nl_socket_deleter>;

// Connected to NETLINK_ROUTE, or "netlink connect: <libnl's reason>".
result<nl_socket, std::string> connect_route_socket();

}  // namespace lbd::netif

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// lbd's announced routes in the kernel, through rtnetlink (libnl-route-3): host routes for the VIPs
// through lbd's device, tagged with lbd's route protocol number, in the configured table. The
// routing daemon picks them up by that table or protocol number (FRR: `redistribute kernel` with a
// route-map, or `ip import-table`; BIRD: a `kernel` protocol with `learn` and a filter on
// `krt_source`). Only routes matching all three (device, protocol, table) are read as lbd's, so a
// route of anyone else is never listed, changed or deleted.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "anycast/route_plan.hpp"
#include "common/address.hpp"
#include "common/nl_socket.hpp"
#include "common/result.hpp"

namespace lbd::anycast::io {

struct route_owner {
  unsigned ifindex = 0;
  std::uint8_t protocol = 0;
  std::uint32_t table = 254;  // main
  std::uint32_t metric = 0;
};

class route_session {
 public:
  static result<std::unique_ptr<route_session>, std::string> open(route_owner owner);

  // The destinations of lbd's routes now in the kernel.
  result<std::vector<prefix>, std::string> list();
  // An existing route of someone else for the same destination, table and metric is an error
  // (EEXIST), never replaced.
  status<std::string> add(const prefix& p);
  status<std::string> remove(const prefix& p);
  // list, plan against `desired`, apply; the plan that was applied (as far as it went).
  result<route_plan, std::string> reconcile(const std::vector<prefix>& desired);

 private:
  route_session(netif::nl_socket sock, route_owner owner) : sock_(std::move(sock)), owner_(owner) {}
  netif::nl_socket sock_;
  route_owner owner_;
};

}  // namespace lbd::anycast::io

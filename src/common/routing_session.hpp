// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Routes and routing-policy rules (common/route_spec) in the kernel through rtnetlink
// (libnl-route-3), on one socket kept open: the VRRP adapter's virtual_routes and virtual_rules.
// Both tagged with lbd's route protocol (245). Idempotent like the VIPs' address session: adding
// what is already there, or removing what is already gone, is success, so a restart after a crash
// and a repeated action converge. A route of someone else with the same destination, table and
// metric counts as there (the kernel refuses a second one) and is never replaced.
#include <memory>
#include <string>

#include "common/nl_socket.hpp"
#include "common/result.hpp"
#include "common/route_spec.hpp"

namespace lbd::netif {

class routing_session {
 public:
  static result<std::unique_ptr<routing_session>, std::string> open();

  status<std::string> add(const route_spec& r);
  status<std::string> remove(const route_spec& r);
  status<std::string> add(const rule_spec& r);
  status<std::string> remove(const rule_spec& r);

 private:
  explicit routing_session(nl_socket sock) : sock_(std::move(sock)) {}
  nl_socket sock_;
};

}  // namespace lbd::netif

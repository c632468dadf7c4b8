// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The routes lbd announces through the routing daemon, as desired state: host routes for the VIPs
// in BGP mode, on lbd's own device and under lbd's own route protocol number. The plan compares
// them with what the kernel holds of lbd's (same device, same protocol, same table) and nothing
// else: a route lbd did not make is never in `kernel`, so it is never removed or replaced.
#include <vector>

#include "common/address.hpp"

namespace lbd::anycast {

struct route_plan {
  std::vector<prefix> add;
  std::vector<prefix> remove;
  [[nodiscard]] bool empty() const { return add.empty() && remove.empty(); }
};

// Both sides in any order, duplicates allowed; the plan lists each prefix once, sorted.
route_plan plan_routes(const std::vector<prefix>& kernel, const std::vector<prefix>& desired);

// IPv4 before IPv6, then by address, then by length.
bool prefix_less(const prefix& a, const prefix& b);

}  // namespace lbd::anycast

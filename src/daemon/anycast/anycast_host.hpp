// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What the anycast runtime changes on the director: lbd's announcement device with its routes, and
// the VIPs as local addresses. The kernel's (rtnetlink, a TUN device) in the daemon; a recording one
// in unit tests.
#include <memory>
#include <string>
#include <vector>

#include "anycast/route_plan.hpp"
#include "common/address.hpp"
#include "common/result.hpp"
#include "config/model.hpp"

namespace lbd::daemon {

class anycast_host {
 public:
  virtual ~anycast_host() = default;
  // Opens lbd's device and the session of its routes (device, protocol, table of `where`).
  virtual status<std::string> open(const config::anycast_routes& where) = 0;
  // The device goes, and with it every route through it, in one step.
  virtual void close() = 0;
  [[nodiscard]] virtual bool is_open() const = 0;
  // The routes through the device become `desired`; what was added and removed.
  virtual result<anycast::route_plan, std::string> set_routes(const std::vector<prefix>& desired) = 0;
  // Both idempotent: an address already there, or already gone, is success.
  virtual status<std::string> add_address(const std::string& ifname, const prefix& p) = 0;
  virtual status<std::string> remove_address(const std::string& ifname, const prefix& p) = 0;
};

std::unique_ptr<anycast_host> kernel_anycast_host();

}  // namespace lbd::daemon

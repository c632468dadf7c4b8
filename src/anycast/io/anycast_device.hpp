// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The device lbd's announced routes point at: a TUN device that lives exactly as long as the file
// descriptor lbd holds. When lbd exits, is stopped or is killed (SIGKILL included), the kernel
// closes the descriptor, deletes the device and with it every route through it; the routing daemon
// sees the routes go and withdraws them from its BGP peers. No clean-up step can be missed, and
// nothing but lbd's own routes goes (the kernel deletes only routes through this device).
// Traffic for a VIP never reaches the device: the VIP is a local address (on `lo` or a dummy
// device), and the local table is consulted before any other.
#include <memory>
#include <string>

#include "common/result.hpp"

namespace lbd::anycast::io {

class anycast_device {
 public:
  // Creates the device (or takes over a persistent one of that name, which it makes non-persistent
  // so that it too vanishes with lbd) and brings it up.
  static result<std::unique_ptr<anycast_device>, std::string> create(const std::string& name);
  ~anycast_device();
  anycast_device(const anycast_device&) = delete;
  anycast_device& operator=(const anycast_device&) = delete;

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] unsigned ifindex() const { return ifindex_; }

 private:
  anycast_device(int fd, std::string name, unsigned ifindex) : fd_(fd), name_(std::move(name)), ifindex_(ifindex) {}
  int fd_;
  std::string name_;
  unsigned ifindex_;
};

}  // namespace lbd::anycast::io

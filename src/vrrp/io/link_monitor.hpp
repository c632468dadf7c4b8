// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Interface link state from rtnetlink (RTMGRP_LINK) on Asio, for tracking: each RTM_NEWLINK /
// RTM_DELLINK becomes (index, name, up). "Up" means administratively up and carrier present
// (IFF_UP and IFF_RUNNING), what keepalived calls an interface being up.
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <array>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace lbd::vrrp::io {

struct link_event {
  unsigned ifindex = 0;
  std::string name;
  bool up = false;
  friend bool operator==(const link_event&, const link_event&) = default;
};

// Pure: the link events in one netlink datagram; anything else (or malformed) is skipped.
std::vector<link_event> parse_link_messages(std::span<const std::byte> datagram);

// Current state of one interface (IFF_UP and IFF_RUNNING), or nullopt when it does not exist.
std::optional<bool> link_is_up(const std::string& interface);

class link_monitor {
 public:
  using handler = std::function<void(const link_event&)>;
  // `on_overrun` runs when the kernel dropped events (ENOBUFS): re-read the states you track.
  static result<std::unique_ptr<link_monitor>, std::string> open(boost::asio::io_context& io, handler h,
                                                                 std::function<void()> on_overrun);
  void close();

 private:
  link_monitor(boost::asio::io_context& io, handler h, std::function<void()> on_overrun);
  void wait();

  // Expires with the object. A wait that completed just before the object was destroyed is still
  // queued with success; its handler checks this before touching the object.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  boost::asio::posix::stream_descriptor fd_;
  handler handler_;
  std::function<void()> on_overrun_;
  std::array<std::byte, 32768> buffer_{};
};

}  // namespace lbd::vrrp::io

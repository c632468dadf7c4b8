// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Sends gratuitous ARPs / unsolicited NAs for the VIPs of one interface: a burst of `repeat` frames
// `interval` apart, then (if `second_burst` > 0) one more burst that long after the first ends, then
// (if `refresh` > 0) the same burst every `refresh` while announcing.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/address.hpp"
#include "common/result.hpp"
#include "vrrp/announce.hpp"
#include "vrrp/events.hpp"

namespace lbd::vrrp::io {

class announcer {
 public:
  // Called once per frame sent or failed (for counters and logs).
  using report = std::function<void(const prefix& vip, boost::system::error_code)>;

  static result<std::unique_ptr<announcer>, std::string> open(boost::asio::io_context& io, const std::string& interface,
                                                              report on_sent);
  ~announcer();
  announcer(const announcer&) = delete;
  announcer& operator=(const announcer&) = delete;

  void announce(const act::send_garp& what);
  void stop();

  [[nodiscard]] const mac_address& mac() const { return mac_; }

 private:
  announcer(boost::asio::io_context& io, std::string interface, unsigned ifindex, mac_address mac, report r);
  void send_all();
  void schedule(std::chrono::nanoseconds after);
  void tick();

  // Expires with the object. A wait that completed just before the object was destroyed is still
  // queued with success; its handler checks this before touching the object.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  boost::asio::steady_timer timer_;
  std::string interface_;
  unsigned ifindex_;
  mac_address mac_;
  report on_sent_;
  int packet_fd_ = -1;  // AF_PACKET, for ARP
  int icmp6_fd_ = -1;   // raw ICMPv6, for NA
  std::vector<prefix> vips_;
  unsigned left_in_burst_ = 0;
  unsigned repeat_ = 0;
  std::chrono::nanoseconds interval_{};
  std::chrono::nanoseconds refresh_{};
  std::chrono::nanoseconds second_burst_{};  // still to come; zero once scheduled
};

}  // namespace lbd::vrrp::io

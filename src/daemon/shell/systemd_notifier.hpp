// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The daemon's side of Type=notify: READY, RELOADING (with MONOTONIC_USEC, as systemd 253+ wants),
// STOPPING, STATUS, and WATCHDOG pings sent from the event loop itself, so a stalled loop is what
// gets the service restarted. Outside systemd (no NOTIFY_SOCKET) every call is a no-op.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <optional>
#include <string_view>

namespace lbd::daemon {

class systemd_notifier {
 public:
  explicit systemd_notifier(boost::asio::io_context& io);

  void ready();
  void reloading();  // follow with ready() when the reload is over
  void stopping();
  void status(std::string_view text);

  // Interval systemd expects pings at (WatchdogSec), when the watchdog is on for this process.
  [[nodiscard]] std::optional<std::chrono::microseconds> watchdog_interval() const { return watchdog_; }
  // Starts pinging at half the interval from the io_context; does nothing without a watchdog.
  void start_watchdog();
  void stop_watchdog();

 private:
  void send(std::string_view state);
  void arm_ping();

  boost::asio::steady_timer timer_;
  std::optional<std::chrono::microseconds> watchdog_;
  bool pinging_ = false;
};

}  // namespace lbd::daemon

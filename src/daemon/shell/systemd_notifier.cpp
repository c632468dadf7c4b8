// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/shell/systemd_notifier.hpp"

#include <systemd/sd-daemon.h>
#include <time.h>

#include <string>

namespace lbd::daemon {

systemd_notifier::systemd_notifier(boost::asio::io_context& io) : timer_(io) {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) watchdog_ = std::chrono::microseconds(usec);
}

void systemd_notifier::send(std::string_view state) { sd_notify(0, std::string(state).c_str()); }

void systemd_notifier::ready() { send("READY=1"); }

void systemd_notifier::reloading() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  auto usec =
      static_cast<unsigned long long>(ts.tv_sec) * 1'000'000ULL + static_cast<unsigned long long>(ts.tv_nsec) / 1000ULL;
  send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

void systemd_notifier::stopping() { send("STOPPING=1"); }

void systemd_notifier::status(std::string_view text) { send("STATUS=" + std::string(text)); }

void systemd_notifier::start_watchdog() {
  if (!watchdog_ || pinging_) return;
  pinging_ = true;
  send("WATCHDOG=1");
  arm_ping();
}

void systemd_notifier::stop_watchdog() {
  pinging_ = false;
  timer_.cancel();
}

void systemd_notifier::arm_ping() {
  timer_.expires_after(*watchdog_ / 2);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || !pinging_) return;
    send("WATCHDOG=1");
    arm_ping();
  });
}

}  // namespace lbd::daemon

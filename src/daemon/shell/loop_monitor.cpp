// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/shell/loop_monitor.hpp"

namespace lbd::daemon {

lag_tracker::duration lag_tracker::tick(clock::time_point due, clock::time_point now) {
  if (!started_) {
    started_ = true;
    window_start_ = now;
  }
  if (now - window_start_ >= window_) {
    // A gap of two windows or more (a long stall): the previous window saw no tick at all.
    previous_max_ = now - window_start_ >= 2 * window_ ? duration{0} : current_max_;
    current_max_ = duration{0};
    window_start_ = now;
  }
  const duration late = now > due ? duration(now - due) : duration{0};
  current_max_ = std::max(current_max_, late);
  return late;
}

loop_monitor::loop_monitor(boost::asio::io_context& io, metrics::registry& m, const std::string& prefix,
                           std::chrono::milliseconds period, std::chrono::seconds window)
    : timer_(io),
      period_(period),
      tracker_(window),
      lag_(m.get_gauge(prefix + "_lag_seconds",
                       "Largest lateness of the event loop's periodic timer over the last 30 to 60 seconds")),
      lateness_(m.get_histogram(prefix + "_lateness_seconds",
                                "Lateness of each tick of the event loop's periodic timer (every 100 ms)",
                                metrics::latency_buckets())) {}

void loop_monitor::start() { arm(lag_tracker::clock::now() + period_); }

void loop_monitor::stop() {
  alive_ = std::make_shared<int>(0);
  timer_.cancel();
}

void loop_monitor::arm(lag_tracker::clock::time_point due) {
  timer_.expires_at(due);
  timer_.async_wait([this, due, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
    if (ec || alive.expired()) return;
    const auto now = lag_tracker::clock::now();
    const auto late = tracker_.tick(due, now);
    lateness_.observe(late.count());
    lag_.set(tracker_.max().count());
    // The next tick counts from now: after a stall, one late tick, not a burst of catch-up ticks.
    arm(now + period_);
  });
}

}  // namespace lbd::daemon

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// How late an event loop runs a periodic timer: a stalled loop (a long IPVS dump, a blocking
// call, a starved CPU) delays what it serves. Measured on both loops and exported, PREFIX being
// `lbd_event_loop` for the main loop (control socket, metrics, checks, IPVS) and `lbd_vrrp_loop`
// for the VRRP thread's (adverts: its lag is what can hand the VIPs to the peer):
//   PREFIX_lag_seconds         gauge, the largest lateness over the last 30 to 60 s
//   PREFIX_lateness_seconds    histogram of every tick's lateness
// A main loop stalled for good also stops serving scrapes; Prometheus then sees the target down.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>

#include "common/metrics.hpp"

namespace lbd::daemon {

// Pure: lateness of each tick and the largest over a window, kept as two buckets (the current
// window and the one before) so that a spike stays visible for at least one full window.
class lag_tracker {
 public:
  using clock = std::chrono::steady_clock;
  using duration = std::chrono::duration<double>;

  explicit lag_tracker(clock::duration window) : window_(window) {}

  // A tick due at `due` ran at `now`: records and returns its lateness (zero when early).
  duration tick(clock::time_point due, clock::time_point now);
  // The largest lateness within the current and the previous window.
  [[nodiscard]] duration max() const { return std::max(current_max_, previous_max_); }

 private:
  clock::duration window_;
  clock::time_point window_start_{};
  bool started_ = false;
  duration current_max_{0};
  duration previous_max_{0};
};

class loop_monitor {
 public:
  loop_monitor(boost::asio::io_context& io, metrics::registry& m, const std::string& prefix = "lbd_event_loop",
               std::chrono::milliseconds period = std::chrono::milliseconds(100),
               std::chrono::seconds window = std::chrono::seconds(30));
  void start();
  void stop();

 private:
  void arm(lag_tracker::clock::time_point due);

  boost::asio::steady_timer timer_;
  std::chrono::milliseconds period_;
  lag_tracker tracker_;
  metrics::gauge& lag_;
  metrics::histogram& lateness_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace lbd::daemon

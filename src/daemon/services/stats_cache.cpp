// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/services/stats_cache.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>

namespace lbd::daemon {

stats_cache::stats_cache(boost::asio::io_context& main, opener open)
    : main_(main), work_(worker_io_.get_executor()), open_(std::move(open)), timer_(worker_io_), thread_([this] {
        worker_io_.run();
      }) {}

stats_cache::~stats_cache() {
  worker_io_.stop();
  thread_.join();
}

stats_cache::clock::duration stats_cache::period_for(clock::duration reconcile_interval) {
  using std::chrono::seconds;
  if (reconcile_interval <= clock::duration::zero()) return seconds(5);
  return std::clamp<clock::duration>(reconcile_interval, seconds(1), seconds(5));
}

void stats_cache::configure(bool enabled, clock::duration period) {
  boost::asio::post(worker_io_, [this, enabled, period] {
    const bool changed = enabled != enabled_ || period != period_;
    enabled_ = enabled;
    period_ = period;
    if (!changed) return;
    timer_.cancel();
    if (enabled_) read();
  });
}

void stats_cache::read() {
  if (!enabled_) return;
  if (!backend_) backend_ = open_();
  auto t = backend_->snapshot();
  if (t) {
    last_error_.clear();
    boost::asio::post(
        main_, [this, alive = std::weak_ptr<int>(alive_), s = snapshot{std::move(t).value(), clock::now()}]() mutable {
          if (!alive.expired()) last_ = std::move(s);
        });
  } else if (t.error().message != last_error_) {
    // The last snapshot stays (it grows older, which its age shows).
    last_error_ = t.error().message;
    log_.warning("reading the kernel's statistics failed: {}", last_error_);
  }
  timer_.expires_after(period_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) read();
  });
}

}  // namespace lbd::daemon

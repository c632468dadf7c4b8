// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/services/stats_cache.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <cerrno>

namespace lbd::daemon {

stats_cache::stats_cache(boost::asio::io_context& main, opener open)
    : stats_cache(main, std::move(open), healthcheck::steady_time(), true) {}

stats_cache::stats_cache(boost::asio::io_context& main, opener open, healthcheck::time_source& time)
    : stats_cache(main, std::move(open), time, false) {}

stats_cache::stats_cache(boost::asio::io_context& main, opener open, healthcheck::time_source& time, bool own_thread)
    : main_(main),
      work_(worker_io_.get_executor()),
      worker_(own_thread ? boost::asio::any_io_executor(worker_io_.get_executor())
                         : boost::asio::any_io_executor(main.get_executor())),
      time_(time),
      open_(std::move(open)),
      timer_(time.make_timer(worker_)) {
  if (own_thread) thread_ = std::thread([this] { worker_io_.run(); });
}

stats_cache::~stats_cache() {
  paused_ = true;  // a dump in progress ends at the next service
  worker_io_.stop();
  if (thread_.joinable()) thread_.join();
}

stats_cache::clock::duration stats_cache::period_for(clock::duration reconcile_interval) {
  using std::chrono::seconds;
  if (reconcile_interval <= clock::duration::zero()) return seconds(5);
  return std::clamp<clock::duration>(reconcile_interval, seconds(1), seconds(5));
}

void stats_cache::configure(bool enabled, clock::duration period) {
  boost::asio::post(worker_, [this, alive = std::weak_ptr<int>(alive_), enabled, period] {
    if (alive.expired()) return;  // a worker on the main loop outlives this object
    const bool changed = enabled != enabled_ || period != period_;
    enabled_ = enabled;
    period_ = period;
    if (!changed) return;
    timer_->cancel();
    if (enabled_) read_after(period_);
  });
}

void stats_cache::read_after(clock::duration d) {
  // A cancelled wait (reconfigured, or this object destroyed) touches nothing.
  timer_->async_wait_until(time_.now() + d, [this](const boost::system::error_code& ec) {
    if (!ec) read();
  });
}

void stats_cache::read() {
  using std::chrono::milliseconds;
  if (!enabled_) return;
  if (paused_) {
    read_after(std::min<clock::duration>(period_, milliseconds(250)));  // soon after the pass
    return;
  }
  if (!backend_) backend_ = open_([this] { return paused_.load(); });
  const auto started = time_.now();
  auto t = backend_->snapshot();
  const auto took = time_.now() - started;
  if (t) {
    last_error_.clear();
    boost::asio::post(
        main_, [this, alive = std::weak_ptr<int>(alive_), s = snapshot{std::move(t).value(), time_.now()}]() mutable {
          if (!alive.expired()) last_ = std::move(s);
        });
  } else if (t.error().code == ECANCELED) {
    // Given up for a reconcile pass (which may be over by now): not a failure; the next try comes
    // soon after the pass.
    read_after(std::min<clock::duration>(period_, milliseconds(250)));
    return;
  } else if (t.error().message != last_error_) {
    // The last snapshot stays (it grows older, which its age shows).
    last_error_ = t.error().message;
    log_.warning("reading the kernel's statistics failed: {}", last_error_);
  }
  read_after(std::max<clock::duration>(period_, 4 * took));
}

}  // namespace lbd::daemon

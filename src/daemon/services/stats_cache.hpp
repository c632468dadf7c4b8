// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The kernel's IPVS statistics, read off the main loop. A dump of a large table takes seconds, so a
// thread of its own, with its own io_context and its own backend (netlink socket), reads the table
// on a schedule and posts each snapshot to the main loop, which keeps the last one. A scrape or
// `lbctl services` reads that snapshot and its age; it never waits for a dump.
//
// No shared mutable state: the worker alone touches its backend, timer and schedule (configure()
// posts to it); the main loop alone touches the last snapshot (the worker posts it there).
//
// Unit tests may run the reads on the main loop itself, on a fake clock (the second constructor):
// the same code path without a thread, so that the schedule is tested on fake time.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <thread>

#include "common/log.hpp"
#include "healthcheck/time_source.hpp"
#include "ipvs/backend.hpp"

namespace lbd::daemon {

class stats_cache {
 public:
  using clock = std::chrono::steady_clock;
  // Makes the backend the worker reads with; called on the worker, at its first read.
  using opener = std::function<std::unique_ptr<ipvs::backend>()>;
  struct snapshot {
    ipvs::table table;
    clock::time_point taken;
  };

  // Reads on a thread of its own, on the steady clock (the daemon).
  stats_cache(boost::asio::io_context& main, opener open);
  // Reads on `main` itself, with the clock and timers of `time` (tests: fake_time).
  stats_cache(boost::asio::io_context& main, opener open, healthcheck::time_source& time);
  ~stats_cache();
  stats_cache(const stats_cache&) = delete;
  stats_cache& operator=(const stats_cache&) = delete;

  // Main loop: read now and then every `period` while `enabled`; otherwise stop reading.
  void configure(bool enabled, clock::duration period);
  // Main loop: the last snapshot read (nullopt before the first).
  [[nodiscard]] const std::optional<snapshot>& last() const { return last_; }

  // The refresh period for a reconcile interval: as often as the reconcile, at most every 5 s (a
  // scrape every 15 s sees counters at most 5 s old), never faster than once a second.
  static clock::duration period_for(clock::duration reconcile_interval);

 private:
  stats_cache(boost::asio::io_context& main, opener open, healthcheck::time_source& time, bool own_thread);
  void read();  // worker

  boost::asio::io_context& main_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // main loop: handlers posted to it check it
  std::optional<snapshot> last_;                           // main loop only

  // Worker only (after construction). The worker is worker_io_'s thread, or `main` without one.
  boost::asio::io_context worker_io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::any_io_executor worker_;
  healthcheck::time_source& time_;
  opener open_;
  std::unique_ptr<ipvs::backend> backend_;
  std::unique_ptr<healthcheck::check_timer> timer_;
  bool enabled_ = false;
  clock::duration period_{};
  std::string last_error_;
  log::logger log_{"ipvs-stats"};
  std::thread thread_;  // started in the constructor's body, once everything above exists
};

}  // namespace lbd::daemon

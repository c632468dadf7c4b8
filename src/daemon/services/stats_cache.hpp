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
// The reader keeps out of the reconciler's way: while a reconcile pass reads and writes the table
// (pause() .. resume()) no dump starts, and one in progress is abandoned between two services (the
// pass reads the whole table anyway). A stop abandons it the same way, so it never waits for a
// dump. Dumps are spaced by the period, and by at least four times the last dump's duration, so that
// a table that takes seconds to read costs at most a fifth of a CPU.
//
// Unit tests may run the reads on the main loop itself, on a fake clock (the second constructor):
// the same code path without a thread, so that the schedule is tested on fake time.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
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
  // Makes the backend the worker reads with; called on the worker, at its first read. A snapshot
  // should end early (any error) once `cancelled` returns true.
  using opener = std::function<std::unique_ptr<ipvs::backend>(std::function<bool()> cancelled)>;
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

  // Main loop: read every `period` (the first a period from now: the caller has just read the
  // table) while `enabled`; otherwise stop reading.
  void configure(bool enabled, clock::duration period);
  // Main loop: a reconcile pass is about to read and write the table / is done.
  void pause() { paused_ = true; }
  void resume() { paused_ = false; }
  // Main loop: the last snapshot read (nullopt before the first).
  [[nodiscard]] const std::optional<snapshot>& last() const { return last_; }

  // The refresh period for a reconcile interval: as often as the reconcile, at most every 5 s (a
  // scrape every 15 s sees counters at most 5 s old), never faster than once a second.
  static clock::duration period_for(clock::duration reconcile_interval);

 private:
  stats_cache(boost::asio::io_context& main, opener open, healthcheck::time_source& time, bool own_thread);
  void read();                         // worker
  void read_after(clock::duration d);  // worker

  boost::asio::io_context& main_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // main loop: handlers posted to it check it
  std::optional<snapshot> last_;                           // main loop only

  // Worker only (after construction). The worker is worker_io_'s thread, or `main` without one.
  boost::asio::io_context worker_io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::any_io_executor worker_;
  healthcheck::time_source& time_;
  opener open_;
  std::atomic<bool> paused_{false};  // set by the main loop, read by the worker and its backend
  std::unique_ptr<ipvs::backend> backend_;
  std::unique_ptr<healthcheck::check_timer> timer_;
  bool enabled_ = false;
  clock::duration period_{};
  std::string last_error_;
  log::logger log_{"ipvs-stats"};
  std::thread thread_;  // started in the constructor's body, once everything above exists
};

}  // namespace lbd::daemon

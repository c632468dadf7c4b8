// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A manual clock for tests of sessions, the registry and what is built on them (service monitors,
// the daemon's service runtime): time moves only in advance(), which fires the timers due on the
// way in time order and runs what they start (probes answered by a fake prober, results, events)
// at the moment it happens. No real time passes and nothing depends on the machine's speed.
#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <unordered_map>

#include "healthcheck/time_source.hpp"

namespace lbd::healthcheck {

class fake_time final : public time_source {
 public:
  // Starts at an arbitrary point well after the clock's epoch (schedules subtract from it).
  explicit fake_time(boost::asio::io_context& io, time_point start = time_point{} + std::chrono::hours(24));
  fake_time(const fake_time&) = delete;
  fake_time& operator=(const fake_time&) = delete;
  ~fake_time() override;

  [[nodiscard]] time_point now() const override { return now_; }
  // A fixed day (2026-01-01 00:00 UTC) plus now(): it moves with the fake clock alone.
  [[nodiscard]] std::chrono::system_clock::time_point wall() const override {
    return std::chrono::system_clock::time_point(std::chrono::seconds(1767225600)) +
           std::chrono::duration_cast<std::chrono::system_clock::duration>(now_.time_since_epoch());
  }
  [[nodiscard]] std::unique_ptr<check_timer> make_timer(const boost::asio::any_io_executor& ex) override;

  // Runs what is ready now, then moves the clock to now() + d: at each timer due on the way the
  // clock stops at its time, the timer fires and the io_context runs everything that follows from
  // it, until nothing is ready; then the next timer. Ends with the clock at now() + d.
  void advance(duration d);
  // Runs what is ready now without moving the clock.
  void settle();
  // Waits pending on timers (for tests: "a stopped check arms nothing").
  [[nodiscard]] std::size_t pending_waits() const { return waits_.size(); }

 private:
  class timer;
  struct wait {
    std::uint64_t timer_id;
    boost::asio::any_io_executor ex;
    check_timer::handler h;
  };
  void add(time_point at, wait w);
  // Removes the timer's pending wait; `abort`: its handler is posted with operation_aborted.
  void remove(std::uint64_t timer_id, bool abort);

  boost::asio::io_context& io_;
  time_point now_;
  std::uint64_t next_timer_id_ = 1;
  // Due time, then arming order: timers due at the same time fire in the order they were armed.
  std::multimap<time_point, wait> waits_;
  std::unordered_map<std::uint64_t, std::multimap<time_point, wait>::iterator> by_timer_;
  std::shared_ptr<fake_time*> self_;  // timers outliving the clock see nullptr
};

}  // namespace lbd::healthcheck

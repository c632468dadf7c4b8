// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Where check sessions (and through them the registry) get the time and their timers: the steady
// clock and Asio timers in the daemon (steady_time()), a manual clock in tests (fake_time.hpp), so
// that unit tests run sessions on fake time, as the pure schedule already is.
#include <boost/asio/any_io_executor.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <functional>
#include <memory>

#include "healthcheck/scheduler.hpp"

namespace lbd::healthcheck {

// One timer with at most one pending wait, like an Asio timer driven through expires_at + async_wait.
class check_timer {
 public:
  using handler = std::function<void(const boost::system::error_code&)>;
  virtual ~check_timer() = default;
  // Calls `h` on the timer's executor once `at` is reached. A wait still pending is cancelled first
  // (its handler gets operation_aborted).
  virtual void async_wait_until(time_point at, handler h) = 0;
  // The pending wait, if any, ends with operation_aborted.
  virtual void cancel() = 0;
};

class time_source {
 public:
  virtual ~time_source() = default;
  [[nodiscard]] virtual time_point now() const = 0;
  // The wall clock, for what outlives the process (a slow start in the state file). Fake time
  // moves it with now().
  [[nodiscard]] virtual std::chrono::system_clock::time_point wall() const { return std::chrono::system_clock::now(); }
  [[nodiscard]] virtual std::unique_ptr<check_timer> make_timer(const boost::asio::any_io_executor& ex) = 0;
};

// The steady clock and boost::asio::steady_timer: what the daemon uses. Stateless; lives forever.
time_source& steady_time();

}  // namespace lbd::healthcheck

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Deadlines of many probes on one Asio timer. A finished probe does not cancel its deadline (that
// would move the timer, often a system call each time): its entry stays in the queue, is
// recognised as stale by its token, and is dropped when it reaches the front. The timer is only
// moved when a new deadline is earlier than the one it waits for, which with equal timeouts never
// happens; so a stream of probes that all finish in time costs about one wake-up per timeout.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <functional>
#include <vector>

#include "healthcheck/scheduler.hpp"

namespace lbd::healthcheck {

class deadline_queue {
 public:
  // `live(token)`: is the probe of `token` still running. `expired(token)`: its deadline passed.
  deadline_queue(const boost::asio::any_io_executor& ex, std::function<bool(std::uint64_t)> live,
                 std::function<void(std::uint64_t)> expired);
  deadline_queue(const deadline_queue&) = delete;
  deadline_queue& operator=(const deadline_queue&) = delete;
  ~deadline_queue();

  void push(time_point when, std::uint64_t token);

 private:
  struct entry {
    time_point when;
    std::uint64_t token;
  };
  struct later {
    bool operator()(const entry& a, const entry& b) const { return a.when > b.when; }
  };
  void pop();
  void arm();
  void on_timer();

  boost::asio::steady_timer timer_;
  std::function<bool(std::uint64_t)> live_;
  std::function<void(std::uint64_t)> expired_;
  std::vector<entry> heap_;
  time_point armed_for_ = time_point::max();
};

}  // namespace lbd::healthcheck

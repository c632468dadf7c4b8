// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/deadline_queue.hpp"

#include <algorithm>

namespace lbd::healthcheck {

deadline_queue::deadline_queue(const boost::asio::any_io_executor& ex, std::function<bool(std::uint64_t)> live,
                               std::function<void(std::uint64_t)> expired)
    : timer_(ex), live_(std::move(live)), expired_(std::move(expired)) {}

deadline_queue::~deadline_queue() { timer_.cancel(); }

void deadline_queue::push(time_point when, std::uint64_t token) {
  heap_.push_back(entry{when, token});
  std::push_heap(heap_.begin(), heap_.end(), later{});
  if (when < armed_for_) arm();
}

void deadline_queue::pop() {
  std::pop_heap(heap_.begin(), heap_.end(), later{});
  heap_.pop_back();
}

void deadline_queue::arm() {
  while (!heap_.empty() && !live_(heap_.front().token)) pop();
  if (heap_.empty()) {
    armed_for_ = time_point::max();
    timer_.cancel();
    return;
  }
  armed_for_ = heap_.front().when;
  timer_.expires_at(armed_for_);
  // A cancelled or superseded wait completes with an error and never touches `this`.
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) on_timer();
  });
}

void deadline_queue::on_timer() {
  armed_for_ = time_point::max();
  const auto now = clock::now();
  while (!heap_.empty() && heap_.front().when <= now) {
    const std::uint64_t token = heap_.front().token;
    pop();
    if (live_(token)) expired_(token);  // may push new deadlines
  }
  if (armed_for_ == time_point::max()) arm();
}

}  // namespace lbd::healthcheck

// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/log_writer.hpp"

#include <atomic>
#include <stdexcept>
#include <utility>

#include "common/thread_tuning.hpp"

namespace lbd::log {
namespace {

std::atomic<std::uint64_t> dropped_by_past_writers{0};

}  // namespace

async_writer::async_writer(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {
  thread_ = std::thread([this] {
    tuning::name_thread("lbd-log");
    run();
  });
  if (!detail::set_queue(this)) {
    {
      std::lock_guard lk(mu_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
    throw std::logic_error("log::async_writer: one is already running");
  }
}

async_writer::~async_writer() {
  detail::set_queue(nullptr);  // from here on lines are written directly again
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  dropped_by_past_writers += dropped();
}

bool async_writer::push(record r) {
  {
    std::lock_guard lk(mu_);
    if (queue_.size() >= capacity_) {
      ++dropped_;
      ++unreported_drops_;
      return false;
    }
    queue_.push_back(std::move(r));
    ++pushed_;
  }
  wake_.notify_one();
  return true;
}

std::uint64_t async_writer::dropped() const {
  std::lock_guard lk(mu_);
  return dropped_;
}

void async_writer::flush() {
  std::unique_lock lk(mu_);
  const auto target = pushed_;
  idle_.wait(lk, [&] { return written_ >= target; });
}

void async_writer::run() {
  std::unique_lock lk(mu_);
  for (;;) {
    wake_.wait(lk, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty() && stopping_) return;
    // The whole batch is taken at once, so pushers wait for the lock only as long as a swap.
    std::deque<record> batch;
    batch.swap(queue_);
    const auto drops = std::exchange(unreported_drops_, 0);
    lk.unlock();
    for (const auto& r : batch) detail::write_now(r);
    if (drops > 0) {
      detail::write_now(
          record{level::warning,
                 "log",
                 fmt::format("{} log records dropped: the journal took them slower than they came", drops),
                 {}});
    }
    lk.lock();
    written_ += batch.size();
    idle_.notify_all();
  }
}

std::uint64_t dropped_records() { return dropped_by_past_writers.load() + detail::queue_dropped(); }

}  // namespace lbd::log

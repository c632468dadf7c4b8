// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Log records written by a thread of their own. Without it a line is written by the thread that logs
// it, under the one lock every thread shares: when journald is slow (a busy disk, a rotation, a
// flood of other services' lines), whoever logs waits for it, the VRRP thread included. With it, a
// line costs its formatting and a push onto a bounded queue; the writer thread does the I/O. When
// the queue is full the record is dropped and counted, and a line saying how many were dropped is
// written once the writer catches up: a stalled journal costs lines, never an advert.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

#include "common/log.hpp"

namespace lbd::log {

class async_writer {
 public:
  // Routes every log::write through the queue until destroyed; one at a time.
  explicit async_writer(std::size_t capacity = 8192);
  ~async_writer();  // writes what is queued, then restores direct writing
  async_writer(const async_writer&) = delete;
  async_writer& operator=(const async_writer&) = delete;

  // Queues a record; false (and counted) when the queue is full. Called by log::write.
  bool push(record r);
  // Records dropped since start, for the metric.
  [[nodiscard]] std::uint64_t dropped() const;
  // Returns once every record queued before the call is written (for an orderly exit).
  void flush();

 private:
  void run();

  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<record> queue_;
  std::uint64_t dropped_ = 0;
  std::uint64_t unreported_drops_ = 0;
  std::uint64_t pushed_ = 0;
  std::uint64_t written_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

// Records dropped by the active writer (0 without one).
std::uint64_t dropped_records();

}  // namespace lbd::log

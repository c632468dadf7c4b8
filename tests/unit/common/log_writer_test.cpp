// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/log_writer.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace lbd::log {
namespace {

// A sink that stands for a stalled journal: it blocks every record until released.
class stalled_sink {
 public:
  void operator()(const record& r) {
    std::unique_lock lk(mu_);
    ++entered_;
    changed_.notify_all();
    changed_.wait(lk, [&] { return released_; });
    seen_.push_back(r.message);
  }
  void wait_until_entered(int n) {
    std::unique_lock lk(mu_);
    changed_.wait(lk, [&] { return entered_ >= n; });
  }
  void release() {
    std::lock_guard lk(mu_);
    released_ = true;
    changed_.notify_all();
  }
  std::vector<std::string> seen() {
    std::lock_guard lk(mu_);
    return seen_;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  int entered_ = 0;
  bool released_ = false;
  std::vector<std::string> seen_;
};

struct sink_guard {
  explicit sink_guard(stalled_sink& s) {
    set_sink([&s](const record& r) { s(r); });
  }
  ~sink_guard() { reset_sink(); }
  sink_guard(const sink_guard&) = delete;
  sink_guard& operator=(const sink_guard&) = delete;
};

TEST(AsyncWriter, ALineDoesNotWaitForAStalledSinkAndOrderIsKept) {
  stalled_sink sink;
  sink_guard g(sink);
  logger l("vrrp[web/51]");
  {
    async_writer w(16);
    l.notice("first");
    sink.wait_until_entered(1);  // the writer thread is now stuck in the sink
    // Were these written by this thread, the test would hang here: the sink never returns.
    l.notice("second");
    l.notice("third");
    sink.release();
    w.flush();
    EXPECT_EQ(sink.seen(), (std::vector<std::string>{"first", "second", "third"}));
  }
  l.notice("after the writer: direct again");
  EXPECT_EQ(sink.seen().back(), "after the writer: direct again");
}

TEST(AsyncWriter, AFullQueueDropsCountsAndSaysSo) {
  stalled_sink sink;
  sink_guard g(sink);
  logger l("check[http 10.0.1.11:8080]");
  const auto before = dropped_records();
  {
    async_writer w(2);
    l.notice("taken by the writer");
    sink.wait_until_entered(1);
    l.notice("queued 1");
    l.notice("queued 2");
    l.notice("dropped 1");
    l.notice("dropped 2");
    EXPECT_EQ(w.dropped(), 2U);
    EXPECT_EQ(dropped_records(), before + 2);
    sink.release();
    w.flush();
  }
  const auto seen = sink.seen();
  ASSERT_EQ(seen.size(), 4U);
  EXPECT_EQ(seen[0], "taken by the writer");
  EXPECT_EQ(seen[1], "queued 1");
  EXPECT_EQ(seen[2], "queued 2");
  EXPECT_EQ(seen[3], "2 log records dropped: the journal took them slower than they came");
  EXPECT_EQ(dropped_records(), before + 2);  // kept after the writer is gone, for the metric
}

TEST(AsyncWriter, DestructionWritesWhatIsQueued) {
  std::vector<std::string> seen;
  set_sink([&](const record& r) { seen.push_back(r.message); });
  {
    async_writer w;
    for (int i = 0; i < 100; ++i) write(level::info, "t", std::to_string(i));
  }
  reset_sink();
  ASSERT_EQ(seen.size(), 100U);
  EXPECT_EQ(seen.front(), "0");
  EXPECT_EQ(seen.back(), "99");
}

TEST(AsyncWriter, OnlyOneAtATime) {
  async_writer w;
  EXPECT_THROW(async_writer second, std::logic_error);
}

}  // namespace
}  // namespace lbd::log

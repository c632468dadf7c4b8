// SPDX-License-Identifier: GPL-2.0-or-later
// The manual clock the session and registry tests run on: timers fire in time order at their time,
// re-arming and cancelling end the previous wait with operation_aborted, and what a timer's handler
// starts runs at the same fake instant.
#include "healthcheck/fake_time.hpp"

#include <gtest/gtest.h>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

#include <string>
#include <vector>

namespace lbd::healthcheck {
namespace {

using std::chrono::milliseconds;

struct fake_time_test : ::testing::Test {
  boost::asio::io_context io;
  fake_time time{io};
  const time_point t0 = time.now();
  std::vector<std::pair<std::string, duration>> fired;  // name, fake time since t0

  check_timer::handler record(std::string name) {
    return [this, name = std::move(name)](const boost::system::error_code& ec) {
      fired.emplace_back(ec ? name + " aborted" : name, time.now() - t0);
    };
  }
};

TEST_F(fake_time_test, TimersFireInTimeOrderAtTheirTime) {
  auto a = time.make_timer(io.get_executor());
  auto b = time.make_timer(io.get_executor());
  a->async_wait_until(t0 + milliseconds(30), record("a"));
  b->async_wait_until(t0 + milliseconds(10), record("b"));
  time.advance(milliseconds(9));
  EXPECT_TRUE(fired.empty());
  EXPECT_EQ(time.now() - t0, milliseconds(9));
  time.advance(milliseconds(100));
  EXPECT_EQ(fired, (std::vector<std::pair<std::string, duration>>{{"b", milliseconds(10)}, {"a", milliseconds(30)}}));
  EXPECT_EQ(time.now() - t0, milliseconds(109));
  EXPECT_EQ(time.pending_waits(), 0U);
}

TEST_F(fake_time_test, RearmAndCancelAbortThePendingWait) {
  auto a = time.make_timer(io.get_executor());
  a->async_wait_until(t0 + milliseconds(10), record("first"));
  a->async_wait_until(t0 + milliseconds(20), record("second"));
  time.settle();
  EXPECT_EQ(fired, (std::vector<std::pair<std::string, duration>>{{"first aborted", duration{0}}}));
  a->cancel();
  time.advance(milliseconds(50));
  EXPECT_EQ(fired.size(), 2U);
  EXPECT_EQ(fired[1].first, "second aborted");
  // A destroyed timer's wait is dropped.
  auto b = time.make_timer(io.get_executor());
  b->async_wait_until(time.now() + milliseconds(1), record("dropped"));
  b.reset();
  time.advance(milliseconds(5));
  EXPECT_EQ(fired.size(), 2U);
}

TEST_F(fake_time_test, WhatATimerStartsRunsAtTheSameInstant) {
  // A handler re-arms its timer and posts work, as a session does with a probe: both run within
  // one advance(), each at its own fake time.
  auto a = time.make_timer(io.get_executor());
  std::vector<duration> ticks;
  std::vector<duration> posted;
  std::function<void(const boost::system::error_code&)> tick = [&](const boost::system::error_code& ec) {
    if (ec) return;
    ticks.push_back(time.now() - t0);
    boost::asio::post(io, [&] { posted.push_back(time.now() - t0); });
    a->async_wait_until(time.now() + milliseconds(10), tick);
  };
  a->async_wait_until(t0 + milliseconds(10), tick);
  time.advance(milliseconds(35));
  EXPECT_EQ(ticks, (std::vector<duration>{milliseconds(10), milliseconds(20), milliseconds(30)}));
  EXPECT_EQ(posted, ticks);
}

}  // namespace
}  // namespace lbd::healthcheck

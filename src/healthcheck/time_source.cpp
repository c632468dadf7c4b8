// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/time_source.hpp"

#include <boost/asio/steady_timer.hpp>

namespace lbd::healthcheck {
namespace {

class steady_check_timer final : public check_timer {
 public:
  explicit steady_check_timer(const boost::asio::any_io_executor& ex) : timer_(ex) {}
  void async_wait_until(time_point at, handler h) override {
    timer_.expires_at(at);  // cancels a pending wait
    timer_.async_wait(std::move(h));
  }
  void cancel() override { timer_.cancel(); }

 private:
  boost::asio::steady_timer timer_;
};

class steady_time_source final : public time_source {
 public:
  [[nodiscard]] time_point now() const override { return clock::now(); }
  [[nodiscard]] std::unique_ptr<check_timer> make_timer(const boost::asio::any_io_executor& ex) override {
    return std::make_unique<steady_check_timer>(ex);
  }
};

}  // namespace

time_source& steady_time() {
  static steady_time_source source;
  return source;
}

}  // namespace lbd::healthcheck

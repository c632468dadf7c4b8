// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/fake_time.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

namespace lbd::healthcheck {

class fake_time::timer final : public check_timer {
 public:
  timer(std::shared_ptr<fake_time*> owner, std::uint64_t id, boost::asio::any_io_executor ex)
      : clock_(std::move(owner)), id_(id), ex_(std::move(ex)) {}
  timer(const timer&) = delete;
  timer& operator=(const timer&) = delete;
  ~timer() override {
    // As with an Asio timer going away, the pending wait ends; nobody is left to care how.
    if (*clock_ != nullptr) (*clock_)->remove(id_, false);
  }
  void async_wait_until(time_point at, handler h) override {
    if (*clock_ == nullptr) return;
    (*clock_)->remove(id_, true);
    (*clock_)->add(at, wait{id_, ex_, std::move(h)});
  }
  void cancel() override {
    if (*clock_ != nullptr) (*clock_)->remove(id_, true);
  }

 private:
  std::shared_ptr<fake_time*> clock_;
  std::uint64_t id_;
  boost::asio::any_io_executor ex_;
};

fake_time::fake_time(boost::asio::io_context& io, time_point start)
    : io_(io), now_(start), self_(std::make_shared<fake_time*>(this)) {}

fake_time::~fake_time() { *self_ = nullptr; }

std::unique_ptr<check_timer> fake_time::make_timer(const boost::asio::any_io_executor& ex) {
  return std::make_unique<timer>(self_, next_timer_id_++, ex);
}

void fake_time::add(time_point at, wait w) {
  const auto id = w.timer_id;
  by_timer_[id] = waits_.emplace(at, std::move(w));
}

void fake_time::remove(std::uint64_t timer_id, bool abort) {
  const auto found = by_timer_.find(timer_id);
  if (found == by_timer_.end()) return;
  const auto it = found->second;
  if (abort) {
    boost::asio::post(it->second.ex, [h = std::move(it->second.h)] { h(boost::asio::error::operation_aborted); });
  }
  waits_.erase(it);
  by_timer_.erase(found);
}

void fake_time::settle() {
  io_.restart();
  io_.poll();
}

void fake_time::advance(duration d) {
  const time_point until = now_ + d;
  settle();
  while (!waits_.empty() && waits_.begin()->first <= until) {
    auto node = waits_.extract(waits_.begin());
    by_timer_.erase(node.mapped().timer_id);
    now_ = std::max(now_, node.key());
    boost::asio::post(node.mapped().ex, [h = std::move(node.mapped().h)] { h(boost::system::error_code()); });
    settle();
  }
  now_ = until;
  settle();
}

}  // namespace lbd::healthcheck

// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/vrrp/vrrp_thread.hpp"

#include "common/thread_tuning.hpp"
#include "daemon/vrrp/vrrp_runtime.hpp"
#include "daemon/vrrp/vrrp_status.hpp"

namespace lbd::daemon {

vrrp_thread::vrrp_thread(boost::asio::any_io_executor main, transition_handler on_transition, notify_handler on_notify)
    : main_(std::move(main)), work_(io_.get_executor()) {
  // Both handlers run on the VRRP thread and only post: the main loop does the work.
  runtime_ = std::make_unique<vrrp_runtime>(io_, metrics_, [ex = main_, on_notify](notify_request n) {
    boost::asio::post(ex, [on_notify, n = std::move(n)]() mutable { on_notify(std::move(n)); });
  });
  runtime_->subscribe([ex = main_, on_transition](const vrrp_transition& t) {
    boost::asio::post(ex, [on_transition, t] { on_transition(t); });
  });
  loop_ = std::make_unique<loop_monitor>(io_, metrics_, "lbd_vrrp_loop");
  loop_->start();
  thread_ = std::thread([this] {
    tuning::name_thread("lbd-vrrp");
    io_.run();
  });
}

vrrp_thread::~vrrp_thread() {
  if (!stopped_) (void)stop();
  // The runtime's sockets and timers belong to io_: destroy it on its own thread, then let the
  // thread finish.
  call([this] {
    loop_.reset();
    runtime_.reset();
  });
  work_.reset();
  thread_.join();
}

std::vector<std::string> vrrp_thread::apply(const config::config& cfg, const vrrp_reload_plan& plan) {
  running_ = cfg.vrrp;
  return call([this, &cfg, &plan] { return runtime_->apply(cfg, plan); });
}

std::vector<notify_request> vrrp_thread::stop() {
  stopped_ = true;
  return call([this] { return runtime_->stop(); });
}

void vrrp_thread::script_result(const std::string& instance, const std::string& script, bool success) {
  boost::asio::post(io_, [this, instance, script, success] {
    if (runtime_) runtime_->script_result(instance, script, success);
  });
}

void vrrp_thread::release_vips(std::vector<vip_hold> holds, std::string why) {
  boost::asio::post(io_, [this, holds = std::move(holds), why = std::move(why)] {
    if (runtime_) runtime_->release_vips(holds, why);
  });
}

std::vector<api::vrrp_instance> vrrp_thread::status() {
  const auto views = call([this] { return runtime_->views(); });
  std::vector<api::vrrp_instance> out;
  out.reserve(views.size());
  for (const auto& v : views) out.push_back(to_answer(v));
  return out;
}

result<std::string, std::string> vrrp_thread::set_realtime_priority(unsigned priority) {
  return call([priority]() -> result<std::string, std::string> {
    if (auto done = tuning::set_thread_realtime(priority); !done) return unexpected(done.error());
    return tuning::thread_scheduling();
  });
}

std::string vrrp_thread::render_metrics() {
  return call([this] { return metrics_.render(); });
}

}  // namespace lbd::daemon

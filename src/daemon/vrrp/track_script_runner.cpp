// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/vrrp/track_script_runner.hpp"

#include <fmt/format.h>

#include "common/process.hpp"

namespace lbd::daemon {

track_script_runner::track_script_runner(boost::asio::io_context& io, std::string instance, config::track_script script,
                                         metrics::registry& metrics, report on_result)
    : io_(io),
      instance_(std::move(instance)),
      script_(std::move(script)),
      metrics_(metrics),
      on_result_(std::move(on_result)),
      log_(fmt::format("vrrp[{}] track_script[{}]", instance_, script_.name)),
      timer_(io) {}

track_script_runner::~track_script_runner() { stop(); }

void track_script_runner::start() { run(); }

void track_script_runner::stop() {
  *alive_ = false;
  timer_.cancel();
}

void track_script_runner::schedule(std::chrono::steady_clock::time_point at) {
  timer_.expires_at(at);
  timer_.async_wait([this, alive = alive_](boost::system::error_code ec) {
    if (ec || !*alive) return;
    run();
  });
}

void track_script_runner::run() {
  started_ = std::chrono::steady_clock::now();
  process::options o;
  o.argv = script_.command;
  o.timeout = script_.timeout;
  o.user = script_.user;
  o.group = script_.group;
  process::async_run(io_.get_executor(), std::move(o), [this, alive = alive_](process::outcome r) {
    if (!*alive) return;
    const bool success = r.started && !r.timed_out && r.exit_code && *r.exit_code == 0;
    metrics_
        .get_counter(
            "lbd_vrrp_track_script_runs_total", "Track script runs",
            {{"vrrp_instance", instance_}, {"script", script_.name}, {"result", success ? "success" : "failure"}})
        .inc();
    if (!last_ || *last_ != success) {
      if (success) {
        log_.info("succeeded");
      } else {
        log_.warning("failed: {}", process::describe(r));
      }
    }
    last_ = success;
    const auto next = std::max(started_ + script_.interval, std::chrono::steady_clock::now());
    on_result_(script_.name, success);
    if (*alive) schedule(next);
  });
}

}  // namespace lbd::daemon

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Runs one [[vrrp]] track script periodically through common/process (no shell, the configured
// timeout kills its process group) and reports each run's success (exit status 0 within the
// timeout) to a callback; the rise/fall thresholds and the weight apply in the VRRP runner.
// The first run starts at once; the next one `interval` after the previous one started (or when it
// ended, if it ran longer). Only changes of the result are logged; every run is counted:
// lbd_vrrp_track_script_runs_total{vrrp_instance,script,result="success"|"failure"}.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/log.hpp"
#include "common/metrics.hpp"
#include "config/model.hpp"

namespace lbd::daemon {

class track_script_runner {
 public:
  using report = std::function<void(const std::string& script, bool success)>;

  track_script_runner(boost::asio::io_context& io, std::string instance, config::track_script script,
                      metrics::registry& metrics, report on_result);
  ~track_script_runner();
  track_script_runner(const track_script_runner&) = delete;
  track_script_runner& operator=(const track_script_runner&) = delete;

  void start();
  // No more runs or reports; a run in progress is left to its timeout.
  void stop();

 private:
  void run();
  void schedule(std::chrono::steady_clock::time_point at);

  boost::asio::io_context& io_;
  std::string instance_;
  config::track_script script_;
  metrics::registry& metrics_;
  report on_result_;
  log::logger log_;
  boost::asio::steady_timer timer_;
  std::chrono::steady_clock::time_point started_{};
  std::optional<bool> last_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace lbd::daemon

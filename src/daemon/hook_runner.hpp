// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The one way lbd runs an operator's hook (VRRP notify commands; more callers move here): on the
// daemon's main loop, never on the VRRP thread, so spawning a program can never delay an advert.
//
// - No shell: argv[0] is an absolute path (common/process).
// - A timeout kills the hook's process group, so a hung hook cannot pile up.
// - What the hook prints on stdout (its first lines, bounded) goes to the log under the hook's
//   label; stderr is inherited and lands in the daemon's journal as it is.
// - Every run is counted by the caller's `done` callback, and a failure is logged once with the
//   label and the outcome ("exit 3", "timeout after 60s").
// - Once the daemon stops (detach_from_now()), hooks are started detached instead: they outlive lbd
//   (a notify "stop" must still run), and the loop that would have waited for them is going away.
#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "common/log.hpp"
#include "common/process.hpp"

namespace lbd::daemon {

struct hook_request {
  std::vector<std::string> argv;
  std::string label;  // names the hook in log lines: "vrrp[web] notify master"
  std::chrono::nanoseconds timeout = std::chrono::seconds(60);
};

// How a hook ended, for the caller's metrics: "ok", "failed" or "detached".
using hook_done = std::function<void(std::string_view result)>;

class hook_runner {
 public:
  explicit hook_runner(boost::asio::any_io_executor ex);

  // Starts the hook now (call on the main loop). `done` runs on the main loop once it ended, or at
  // once when it was started detached or could not be started.
  void run(hook_request h, hook_done done = {});

  // From now on hooks are started detached (daemon shutdown).
  void detach_from_now() { detached_ = true; }

 private:
  boost::asio::any_io_executor ex_;
  bool detached_ = false;
  log::logger log_{"hook"};
};

// The lines of a hook's captured stdout worth logging: at most `max_lines`, empty lines dropped,
// each cut to 200 characters. Pure.
std::vector<std::string> hook_output_lines(const std::string& out, std::size_t max_lines = 5);

}  // namespace lbd::daemon

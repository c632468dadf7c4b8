// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The one way lbd runs an operator's hook (VRRP notify commands, real-server notify commands,
// quorum up/down commands): on the daemon's main loop, never on the VRRP thread, so spawning a
// program can never delay an advert.
//
// - No shell: argv[0] is an absolute path (common/process). The caller appends the hook's
//   arguments (documented per hook in lbd.conf(5)).
// - A timeout (hook_timeout unless the request says otherwise) kills the hook's process group, so a
//   hung hook cannot pile up.
// - What the hook prints on stdout (its first lines, bounded) goes to the log under the hook's
//   label (journal field LBD_HOOK); stderr is inherited and lands in the daemon's journal as it is.
// - Every end is logged once with the label and the outcome ("exit 0", "exit 3", "timeout after
//   60s, process group killed"), counted in lbd_hook_runs_total{kind,result} when the runner has a
//   metrics registry, and reported to the caller's `done` callback.
// - Once the daemon stops (detach_from_now(), for every runner of the same io_context), hooks are
//   started detached: they outlive lbd (a notify "stop" must still run), and the loop that would
//   have waited for them is going away. Hooks already running are then left running too.
#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/log.hpp"
#include "common/metrics.hpp"
#include "common/process.hpp"

namespace lbd {

// How long any hook may run before its process group is killed.
inline constexpr std::chrono::seconds hook_timeout{60};

struct hook_request {
  std::vector<std::string> argv;
  std::string label;  // names the hook in log lines: "vrrp[web] notify master"
  std::string kind;   // lbd_hook_runs_total's kind: "vrrp_notify", "realserver_notify", "quorum"
  std::chrono::nanoseconds timeout = hook_timeout;
};

// How a hook ended: "ok" (exit 0), "failed" (other exit, signal, could not start), "timeout"
// (killed with its group) or "detached" (started detached, its end is not seen).
using hook_done = std::function<void(std::string_view result)>;

class hook_runner {
 public:
  // Hooks run on `ex`'s io_context. Runners are cheap: what they share (detached or not) belongs to
  // the io_context. With `m`, every end is counted in lbd_hook_runs_total.
  explicit hook_runner(const boost::asio::any_io_executor& ex, metrics::registry* m = nullptr);

  // Starts the hook now (call on the loop). `done` runs on the loop once it ended, or at once when
  // it was started detached or could not be started detached. An empty argv does nothing.
  void run(hook_request h, hook_done done = {});

  // From now on hooks of every runner on this io_context are started detached (daemon shutdown).
  void detach_from_now() { *detached_ = true; }
  [[nodiscard]] bool detached() const { return *detached_; }

 private:
  void finish(const hook_request& h, std::string_view result, const hook_done& done) const;

  boost::asio::any_io_executor ex_;
  metrics::registry* metrics_;
  std::shared_ptr<bool> detached_;
  log::logger log_{"hook"};
};

// The result word of a finished run ("ok", "failed", "timeout"). Pure.
std::string_view hook_result(const process::outcome& o);

// The log line of a finished run: "exit 0", "exit 3", "timeout after 60s, process group killed",
// "killed by signal 9 (Killed)", "could not start: ...". Pure.
std::string hook_outcome_text(const process::outcome& o, std::chrono::nanoseconds timeout);

// The lines of a hook's captured stdout worth logging: at most `max_lines`, empty lines dropped,
// each cut to 200 characters. Pure.
std::vector<std::string> hook_output_lines(const std::string& out, std::size_t max_lines = 5);

}  // namespace lbd

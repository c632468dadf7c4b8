// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// VRRP on a thread of its own, so that nothing the daemon's main loop does (IPVS dumps and writes,
// config loads and diffs, health-check bursts, JSON rendering, metrics scrapes, starting hooks and
// track scripts) can delay an advert or the processing of a received one. keepalived gets the same
// from a separate VRRP process.
//
// Thread-safety by construction, no locks: the VRRP thread alone owns its io_context, its metrics
// registry and the vrrp_runtime with every instance. The main loop talks to it by messages only:
// - apply(), stop(), status() and render_metrics() post a function to the VRRP thread and wait for
//   its answer. The VRRP thread never waits for the main loop, so this cannot deadlock, and it is
//   never busy for long, so the wait is short (the main loop waits for VRRP, never the reverse);
// - script_result() posts a track script's result and returns;
// - transitions and notify commands travel the other way as posts to the main loop's executor,
//   never waited for.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "common/call_on.hpp"
#include "common/metrics.hpp"
#include "common/result.hpp"
#include "config/model.hpp"
#include "daemon/shell/loop_monitor.hpp"
#include "daemon/vrrp/vrrp_messages.hpp"
#include "daemon/vrrp/vrrp_reload.hpp"
#include "status/answers.hpp"

namespace lbd::daemon {

class vrrp_runtime;

class vrrp_thread {
 public:
  // Both run on `main` (posted), in the order the VRRP thread produced them.
  using transition_handler = std::function<void(const vrrp_transition&)>;
  using notify_handler = std::function<void(notify_request)>;

  vrrp_thread(boost::asio::any_io_executor main, transition_handler on_transition, notify_handler on_notify);
  // Stops the instances (gracefully) if stop() was not called, then ends and joins the thread.
  ~vrrp_thread();
  vrrp_thread(const vrrp_thread&) = delete;
  vrrp_thread& operator=(const vrrp_thread&) = delete;

  // vrrp_runtime::apply on the VRRP thread (see vrrp_runtime.hpp). Returns the instances that
  // could not start.
  std::vector<std::string> apply(const config::config& cfg, const vrrp_reload_plan& plan);
  // Graceful stop of every instance; returns the notify commands of the stop, to start detached.
  std::vector<notify_request> stop();
  // A track script's result (from the main loop), applied on the VRRP thread.
  void script_result(const std::string& instance, const std::string& script, bool success);
  // The master command these instances' VIPs wait for exited (from the main loop; posted).
  void release_vips(std::vector<vip_hold> holds, std::string why);

  // For `lbctl vrrp` / `lbctl status`: one per instance, in config order.
  // The values are copied on the VRRP thread; the answer is built here, on the caller's thread.
  [[nodiscard]] std::vector<api::vrrp_instance> status();
  // The VRRP thread's metrics (lbd_vrrp_*) in the Prometheus text format.
  [[nodiscard]] std::string render_metrics();
  // The VRRP thread under SCHED_RR at `priority` (1-99), or the normal scheduler with 0; what it
  // runs under afterwards ("SCHED_RR 50"), or why it could not change.
  result<std::string, std::string> set_realtime_priority(unsigned priority);

  // The [[vrrp]] tables last applied (the main loop's copy).
  [[nodiscard]] const std::vector<config::vrrp_instance>& running() const { return running_; }

 private:
  // Runs `f` on the VRRP thread and returns its result.
  template <typename F>
  std::invoke_result_t<F> call(F f) {
    return call_on(io_, std::move(f));
  }

  boost::asio::any_io_executor main_;
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  metrics::registry metrics_;              // VRRP thread only
  std::unique_ptr<vrrp_runtime> runtime_;  // VRRP thread only (built before the thread starts)
  std::unique_ptr<loop_monitor> loop_;     // VRRP thread only: lbd_vrrp_loop_* (adverts' own loop)
  std::vector<config::vrrp_instance> running_;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace lbd::daemon

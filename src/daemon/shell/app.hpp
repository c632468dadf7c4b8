// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The daemon: VRRP on a thread of its own (vrrp/vrrp_thread.hpp); the main io_context runs the health
// checks, the IPVS reconciler, the hooks and track scripts, the signals, systemd notifications,
// control socket and metrics endpoint.
//
// Start: load the config (errors: exit 1), program IPVS (adopting what the kernel holds), then start
// VRRP, so a director that becomes MASTER already has its services; READY=1 after that first
// reconcile. SIGHUP or `lbctl reload`: load, validate, plan once (reload/reload_plan.hpp), apply; a refused config
// leaves the running one untouched and is reported in `lbctl status`. SIGTERM / SIGINT: STOPPING=1, VRRP stops
// (priority-0 adverts, VIPs removed), checks stop, the exit policy is applied, exit 0. With
// [[anycast]] groups announced, the stop starts by withdrawing their routes and the rest waits
// global.anycast_stop_delay, while the services still serve what the upstream routers send.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/hook_runner.hpp"
#include "common/log.hpp"
#include "common/metrics.hpp"
#include "config/model.hpp"
#include "daemon/anycast/anycast_runtime.hpp"
#include "daemon/reload/reload_report.hpp"
#include "daemon/services/lazy_backend.hpp"
#include "daemon/services/service_runtime.hpp"
#include "daemon/shell/control_server.hpp"
#include "daemon/shell/loop_monitor.hpp"
#include "daemon/shell/metrics_endpoint.hpp"
#include "daemon/shell/process_tuning.hpp"
#include "daemon/shell/systemd_notifier.hpp"
#include "daemon/vrrp/track_scripts.hpp"
#include "daemon/vrrp/vrrp_thread.hpp"

namespace lbd::daemon {

class app {
 public:
  // `state_file`: where the operator's overrides outlive a restart (lbd --state-file); empty: nowhere.
  explicit app(std::string config_file, std::string state_file = {});
  ~app();
  app(const app&) = delete;
  app& operator=(const app&) = delete;

  // Runs until stopped by a signal. 0: clean stop; 1: the config could not be loaded or the
  // control socket / metrics endpoint could not be opened at start.
  int run();

 private:
  bool start();
  reload_report reload(const std::string& trigger);
  void stop(const std::string& why);
  // The rest of stop, after the anycast routes were withdrawn and the stop delay passed.
  void finish_stop();
  void wait_signal();
  void register_commands();
  // At start every endpoint opens; on reload those the plan's global slice names.
  void open_endpoints(const config::config& next, const global_reload_plan& globals, bool at_start,
                      std::vector<std::string>& errors);
  // Metrics, the journal line and the systemd status of a reload, all from its report.
  void record_reload(const reload_report& r);
  void on_transition(const vrrp_transition& t);
  void run_notify(const notify_request& n);
  // The VRRP part of start and reload: instances on the VRRP thread, their track scripts here.
  std::vector<std::string> apply_vrrp(const config::config& cfg, const vrrp_reload_plan& plan);
  // Without the services, for answers that write them one at a time (service_runtime::service_stream).
  [[nodiscard]] api::daemon_status status(bool with_services = true) const;

  std::string config_file_;
  std::string state_file_;
  boost::asio::io_context io_;
  metrics::registry metrics_;
  loop_monitor loop_{io_, metrics_};
  systemd_notifier notifier_;
  boost::asio::signal_set signals_;
  // Raised by the service runtime while a reload or override waits behind a full pass on the IPVS
  // worker: the pass gives up its dump of the table (client_options::cancelled) and runs again after.
  std::atomic<bool> abandon_reads_{false};
  static ipvs::netlink::client_options reads_abandoned_by(const std::atomic<bool>& flag);
  lazy_backend kernel_{reads_abandoned_by(abandon_reads_)};
  std::unique_ptr<service_runtime> services_;
  std::unique_ptr<anycast_runtime> anycast_;
  boost::asio::steady_timer stop_delay_{io_};
  hook_runner hooks_{io_.get_executor(), &metrics_};
  std::unique_ptr<vrrp_thread> vrrp_;
  process_tuning tuning_{metrics_};
  std::unique_ptr<track_scripts> scripts_;
  std::unique_ptr<control_server> control_;
  std::unique_ptr<metrics_endpoint> metrics_http_;
  std::shared_ptr<const config::config> running_;
  std::optional<reload_report> last_reload_;
  std::chrono::system_clock::time_point started_at_;
  bool stopping_ = false;
  log::logger log_{"lbd"};
};

}  // namespace lbd::daemon

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// service_runtime's state, shared by its source files (runtime, status JSON, sync daemon).
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/log.hpp"
#include "common/metrics.hpp"
#include "config/diff.hpp"
#include "config/model.hpp"
#include "daemon/desired_table.hpp"
#include "daemon/overrides.hpp"
#include "daemon/service_runtime.hpp"
#include "healthcheck/prober.hpp"
#include "healthcheck/registry.hpp"
#include "healthcheck/service_monitor.hpp"
#include "ipvs/backend.hpp"
#include "ipvs/drain.hpp"
#include "ipvs/reconciler.hpp"

namespace lbd::daemon {

struct service_runtime::impl {
  // One configured virtual server and what watches its real servers.
  struct service_entry {
    config::virtual_server vs;
    ipvs::service_key key;
    // The check each real server runs (config order); nullopt: none. Kept so that a reload can
    // resubscribe an unchanged server to the very same check (same key: same running session).
    std::vector<std::optional<healthcheck::check_spec>> checks;
    std::unique_ptr<healthcheck::service_monitor> monitor;
  };

  impl(boost::asio::io_context& io, metrics::registry& m, ipvs::backend& kernel, healthcheck::prober* probes);
  ~impl();

  reconcile_report apply(const config::config& cfg, const config::config_diff& changes);
  // `fresh`: a table just read from the kernel, saving a second read (start-up).
  reconcile_report reconcile(std::optional<ipvs::table> fresh = std::nullopt);
  reconcile_report stop(config::exit_policy policy);
  void on_vrrp_state(const std::string& instance, vrrp::state s);
  void refresh_kernel_stats();
  result<nlohmann::json, std::string> set_override(const std::string& server, const std::optional<std::string>& service,
                                                   std::optional<override_entry> e);
  [[nodiscard]] nlohmann::json services() const;
  [[nodiscard]] nlohmann::json checks() const;

  // Whether anything asks for the kernel: with no virtual server, no sync daemon and nothing left
  // to remove, IPVS is never touched (VRRP-only hosts may have no IPVS at all).
  [[nodiscard]] bool needs_kernel() const;
  [[nodiscard]] desired_state desired() const;
  void schedule_reconcile();
  void arm_periodic();
  // `d`: the diff from the previous config; nullptr at start-up (everything is new).
  void rebuild_services(const config::config& cfg, const config::config_diff* d);
  void apply_timeouts();
  // verify: read the kernel even when lbd left the daemon as wanted (the periodic check, which
  // restarts a daemon stopped behind lbd's back).
  void apply_sync_daemon(bool verify = false);
  void note_sync_error(const std::string& what);
  [[nodiscard]] const service_entry* find_entry(const std::string& name) const;

  boost::asio::io_context& io_;
  metrics::registry& metrics_;
  ipvs::backend& kernel_;
  log::logger log_{"services"};
  std::unique_ptr<healthcheck::prober> own_probes_;
  healthcheck::prober& probes_;
  healthcheck::registry checks_;
  ipvs::reconciler reconciler_;
  ipvs::drain_tracker tracker_{std::chrono::minutes(5)};
  config::config cfg_;
  bool started_ = false;
  bool stopped_ = false;
  std::vector<service_entry> services_;
  overrides overrides_;
  // Services of earlier configs not yet deleted from the kernel: still lbd's to remove.
  ipvs::ownership leaving_;
  // The kernel as last read (plus the operations applied since): status and initial states.
  mutable ipvs::table last_kernel_;
  mutable bool have_kernel_ = false;
  void read_kernel() const;
  boost::asio::steady_timer periodic_;
  bool reconcile_posted_ = false;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
  // Sync daemon: the role its VRRP instance asks for, and what lbd started.
  std::optional<ipvs::sync_daemon> sync_running_;
  std::string last_sync_error_;
  std::map<std::string, vrrp::state> vrrp_states_;
  // Per running check: when it last produced a result (lbctl checks).
  struct check_watch {
    healthcheck::registry::subscription sub;
    std::optional<std::chrono::system_clock::time_point> last_run;
  };
  std::map<std::string, check_watch> watches_;
  void update_watches();
  // Kernel statistic series set at the last refresh, to drop those that went away.
  std::set<std::pair<std::string, metrics::labels>> stat_series_;
  // lbd_realserver_weight from the table a reconcile programmed; drops servers no longer configured.
  void export_weights(const ipvs::table& programmed);
  std::set<metrics::labels> weight_series_;
};

}  // namespace lbd::daemon

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// service_runtime's state, shared by its source files (runtime, status JSON, sync daemon).
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <cstdint>
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
#include "daemon/services/agent_checks.hpp"
#include "daemon/services/data_path.hpp"
#include "daemon/services/desired_table.hpp"
#include "daemon/services/fullnat.hpp"
#include "daemon/services/ipvs_worker.hpp"
#include "daemon/services/monitor_inputs.hpp"
#include "daemon/services/outliers.hpp"
#include "daemon/services/overrides.hpp"
#include "daemon/services/service_runtime.hpp"
#include "daemon/services/slow_start.hpp"
#include "daemon/services/stats_cache.hpp"
#include "healthcheck/prober.hpp"
#include "healthcheck/registry.hpp"
#include "healthcheck/service_monitor.hpp"
#include "healthcheck/time_source.hpp"
#include "ipvs/backend.hpp"
#include "ipvs/conn_table.hpp"
#include "ipvs/desired.hpp"
#include "ipvs/reconciler.hpp"

namespace lbd::daemon {

// /proc/net/ip_vs_conn as text (service_outliers.cpp).
result<std::string, std::string> read_kernel_connections();

struct service_runtime::impl {
  // One configured virtual server and what watches its real servers.
  struct service_entry {
    // Into cfg_ (never null): one copy of a 10,000-service table is enough. A reload points the
    // entries it keeps at the new config's equal virtual servers before the old config goes.
    const config::virtual_server* vs = nullptr;
    std::vector<ipvs::service_key> keys;  // every entry point (a group's), the first one first
    // The checks each real server runs (config order; empty: none). Kept so that a reload can
    // resubscribe an unchanged server to the very same checks (bind_server_checks).
    std::vector<server_checks> checks;
    std::unique_ptr<healthcheck::service_monitor> monitor;
  };

  impl(boost::asio::io_context& io, metrics::registry& m, ipvs::backend& kernel, healthcheck::prober* probes,
       healthcheck::time_source& time, kernel_stats_reader stats, agent_query agents, nft_access nat, bool ipvs_thread);
  ~impl();

  reconcile_report apply(std::shared_ptr<const config::config> cfg, const config::config_diff& changes);
  // What a pass looks at. `changes`: the services whose desired state moved since the last pass
  // (and those leaving or draining), read and written alone; the periodic pass and start-up take
  // `everything` and repair what changed behind lbd's back. A pass of changes with nothing to go
  // on (no pass yet, the last one failed or came back out of order) is a full one.
  enum class pass_scope : std::uint8_t { changes, everything };
  // A pass the caller waits for. `fresh`: the kernel state just read, saving a second read (start-up).
  reconcile_report reconcile(pass_scope scope, std::optional<ipvs::kernel_state> fresh = std::nullopt);
  // A pass on the IPVS worker while the main loop goes on (periodic, health changes); one already
  // running makes this one follow it.
  void reconcile_in_background(pass_scope scope);
  // One reconcile pass: what it asks for, computed on the main loop before the worker runs it.
  struct pass {
    std::shared_ptr<const ipvs::desired_state> want;
    ipvs::owned_state owned;
    healthcheck::time_point read_at{};
    std::uint64_t seq = 0;
    std::chrono::steady_clock::time_point begun;  // for lbd_ipvs_pass_seconds: real time, always
    std::optional<ipvs::ownership> scope;         // the services it covers; none: all
  };
  using pass_result = result<ipvs::reconciler::outcome, ipvs::ipvs_error>;
  // None when lbd needs nothing of the kernel.
  // `since_full`: a full pass on the worker is asked to give up its read (abandon_waiting_pass): this
  // pass also covers what changed since the state before that pass began, which the kernel may
  // still hold.
  std::optional<pass> begin_pass(pass_scope scope, bool since_full = false);
  // A pass the main loop is about to wait for (reload, override, stop): a full pass on the worker
  // would hold it up for a whole-table dump. Raises abandon_ and returns true when one is running.
  bool abandon_waiting_pass();
  // A job the main loop waits for: it lowers abandon_ first, so that its own reads go on.
  template <typename Job>
  auto run_waited(Job job) {
    return ipvs_.run([abandon = abandon_, job = std::move(job)](ipvs::reconciler& r) mutable {
      if (abandon != nullptr) abandon->store(false, std::memory_order_relaxed);
      return job(r);
    });
  }
  static auto pass_job(const pass& p, std::optional<ipvs::kernel_state> fresh) {
    return [want = p.want, owned = p.owned, scope = p.scope, fresh = std::move(fresh)](ipvs::reconciler& r) mutable {
      if (scope) return r.reconcile_scope(*want, owned, *scope);
      return r.reconcile(*want, owned, std::move(fresh));
    };
  }
  // A pass's kernel state into last_kernel_: the whole table, or the services of its scope.
  void take_kernel(const pass& p, ipvs::table kernel);
  // Back on the main loop: logs, metrics, weights, and the kernel as read, unless a later pass
  // already finished (a reload's pass may overtake a background one: see ipvs_worker.hpp).
  reconcile_report finish_pass(const pass& p, pass_result out);
  reconcile_report stop(config::exit_policy policy);
  void on_vrrp_state(const std::string& instance, vrrp::state s);
  std::string kernel_stats_text();
  override_answer set_override(const std::string& server, const std::optional<std::string>& service,
                               std::optional<override_entry> e);
  [[nodiscard]] std::vector<api::service> services() const;
  void each_service(const std::function<void(api::service&&)>& write) const;
  [[nodiscard]] std::vector<api::check> checks() const;

  // Whether anything asks for the kernel: with no virtual server, no sync daemon and nothing left
  // to remove, IPVS is never touched (VRRP-only hosts may have no IPVS at all).
  [[nodiscard]] bool needs_kernel() const;
  [[nodiscard]] ipvs::desired_state desired() const;
  // What lbd may change in the kernel: its services (configured and leaving) and, while it manages
  // them, the sync daemons.
  [[nodiscard]] ipvs::owned_state owned() const;
  // Whether the VRRP instance the sync daemon follows is MASTER.
  [[nodiscard]] bool sync_master() const;
  void schedule_reconcile();
  void arm_periodic();
  // From cfg_. `d`: the diff from the previous config; nullptr at start-up (everything is new).
  void rebuild_services(const config::config_diff* d);
  // The sync daemon's part of a reconcile pass: logs, metrics and what lbd now runs.
  void note_sync(const ipvs::reconciler::outcome& out, const ipvs::desired_state& want);
  void note_sync_error(const std::string& what);
  [[nodiscard]] const service_entry* find_entry(const std::string& name) const;

  boost::asio::io_context& io_;
  metrics::registry& metrics_;
  log::logger log_{"services"};
  // The clock and timers of everything timed here: checks, the periodic pass, ages.
  healthcheck::time_source& time_;
  std::unique_ptr<healthcheck::prober> own_probes_;
  healthcheck::prober& probes_;
  healthcheck::registry checks_;
  // The agent checks: the daemon's one agent prober (none when a test makes the queries), and the
  // sessions of the real servers with an agent.
  std::unique_ptr<healthcheck::agent_prober> own_agent_prober_;
  agent_checks agents_;
  // The one writer of IPVS state (its reconciler owns the drain tracker), off the main loop.
  ipvs_worker ipvs_;
  fullnat_runtime fullnat_;  // lbd's nftables table and sysctls for fullnat services
  // The running config, shared with the daemon's own copy (one table of 10,000 services, not two).
  std::shared_ptr<const config::config> cfg_ = std::make_shared<const config::config>();
  // The marks of cfg_'s data-path checks, and the services whose marks the last apply moved (their
  // checks are bound again even when the service itself did not change).
  data_path_mark_map marks_;
  std::set<std::string> marks_moved_;
  bool started_ = false;
  bool stopped_ = false;
  std::vector<service_entry> services_;
  overrides overrides_;
  // lbd --state-file: where the overrides outlive a restart (override_store.cpp); empty: nowhere.
  std::string overrides_path_;
  void load_overrides();
  void save_overrides();
  // Services of earlier configs not yet deleted from the kernel: still lbd's to remove.
  ipvs::ownership leaving_;
  // The kernel as the last reconcile read it (plus the operations applied since): initial states.
  ipvs::table last_kernel_;
  // What the last pass begun asked for: the next pass of changes diffs against it. nullptr: the
  // next pass is a full one (none yet, or a pass failed or came back out of order).
  std::shared_ptr<const ipvs::desired_state> last_want_;
  // The background pass on the worker reads the whole table (pass_running_ too), and what lbd wanted
  // before it began: a pass that makes it give up its read covers the changes since then as well.
  bool running_full_ = false;
  std::shared_ptr<const ipvs::desired_state> want_before_full_;
  std::atomic<bool>* abandon_ = nullptr;  // abandon_full_reads_with; shared with the worker
  bool have_kernel_ = false;
  healthcheck::time_point kernel_read_at_{};
  // The statistics snapshot read off the main loop (none: statistics come from the reconcile reads).
  std::unique_ptr<stats_cache> stats_;
  // What status and statistics show, and its age: the reader's last snapshot, or before the first
  // one (or without a reader) the last reconcile read; nullptr: none yet.
  struct kernel_view {
    const ipvs::table* table = nullptr;
    healthcheck::duration age{};
  };
  [[nodiscard]] kernel_view view() const;
  std::unique_ptr<healthcheck::check_timer> periodic_;
  bool reconcile_posted_ = false;
  bool pass_running_ = false;  // a background pass is on the worker (lbd_ipvs_pass_running)
  void set_pass_running(bool running);
  bool pass_again_ = false;  // and another was asked for meanwhile
  std::uint64_t passes_begun_ = 0;
  std::uint64_t passes_finished_ = 0;  // the newest pass whose result was taken
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
  // Sync daemon: what lbd runs, and whether lbd manages the kernel's sync daemons (configured, or
  // started by lbd and not yet stopped).
  std::optional<ipvs::sync_daemon> sync_running_;
  bool sync_owned_ = false;
  std::string last_sync_error_;
  std::map<std::string, vrrp::state> vrrp_states_;
  // Per running check: when it last produced a result (lbctl checks).
  struct check_watch {
    healthcheck::registry::subscription sub;
    std::optional<std::chrono::system_clock::time_point> last_run;
  };
  std::map<std::string, check_watch> watches_;
  void update_watches();
  // lbd_realserver_weight from the kernel as lbd left it (drops servers no longer configured); the
  // services' weights in it. `scope`: only these services moved (the others keep what they had).
  std::vector<service_weight> export_weights(const ipvs::table& kernel, const ipvs::ownership* scope = nullptr);
  std::function<void(const std::vector<service_weight>&)> on_pass_;
  std::map<std::string, std::set<std::string>> weight_series_;  // service -> servers exported
  std::map<std::string, service_weight> weight_sums_;           // service -> its sums, as exported
  // Services a reload rebuilt: exported again at the next pass whatever its scope (a server down
  // whose configured weight changed moves the sums but not the kernel).
  std::set<std::string> export_also_;

  // Passive outlier detection (service_outliers.cpp): per service that has it, its detector and
  // when it next reads; one timer and one read of the connection table for all services due.
  struct outlier_entry {
    outlier_detector detector;
    healthcheck::time_point due{};
  };
  std::map<std::string, outlier_entry> outliers_;
  std::unique_ptr<healthcheck::check_timer> outlier_timer_;
  std::function<result<std::string, std::string>()> read_connections_ = read_kernel_connections;
  bool outliers_paused_ = false;
  bool outliers_reading_ = false;  // a read of the connection table is on the IPVS worker
  // After rebuild_services: detectors for the services that have outlier_detection, the state of
  // those kept handed to their (possibly new) monitors.
  void configure_outliers();
  void arm_outliers();
  void read_outliers();
  void judge_outliers(const result<ipvs::conn_table, std::string>& table, healthcheck::time_point now);
  void note_outlier(const std::string& service, const service_entry& e, const outlier_event& ev);
  // Slow start (service_slow_start.cpp): the ramps, the services adopted from the kernel at start,
  // what each ramp climbs to, and the timer of the steps between reconcile passes.
  slow_starts ramps_;
  bool ramps_observed_ = false;
  std::set<std::string> adopted_;
  std::map<server_ref, std::uint32_t> ramp_targets_;
  std::set<std::string> ramp_series_;
  std::unique_ptr<healthcheck::check_timer> ramp_timer_;
  // Takes a reconcile pass's desired table through the ramps: events logged and counted, weights
  // scaled, the next step armed.
  void observe_ramps(ipvs::desired_state& want);
  void arm_ramps();
  void step_ramps();
  // lbctl: "slow start 12/60 s to weight 100"; none when the server does not ramp.
  [[nodiscard]] std::optional<std::string> ramp_text(const std::string& service, const endpoint& server) const;
  // lbctl: "back in 4s (ejection 1 in a row)" for a server out; none otherwise.
  [[nodiscard]] std::optional<std::string> ejection_text(const std::string& service, const endpoint& server) const;
};

}  // namespace lbd::daemon

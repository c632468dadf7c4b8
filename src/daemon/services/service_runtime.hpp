// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The virtual servers of the running config: their health checks (shared registry, so identical
// checks run once), their policies, the runtime overrides set with lbctl, and the IPVS table they
// add up to, kept in the kernel by the reconciler (desired state, never commands).
//
// - First apply(): adopts what the kernel already holds (no flush) and reconciles.
// - Later apply() (reload): real servers whose check is unchanged keep their check state; IPVS gets
//   only the operations the change needs; services that left the config are removed.
// - A health change, an override, and a periodic timer (global.reconcile_interval) all lead to the
//   same reconcile, coalesced on the loop, which also repairs drift made behind lbd's back.
// - The connection sync daemon takes MASTER or BACKUP role following its configured VRRP instance
//   (on_vrrp_state).
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/metrics.hpp"
#include "common/result.hpp"
#include "config/diff.hpp"
#include "config/model.hpp"
#include "daemon/services/agent_checks.hpp"
#include "healthcheck/prober.hpp"
#include "healthcheck/time_source.hpp"
#include "ipvs/backend.hpp"
#include "status/answer_text.hpp"
#include "status/answers.hpp"
#include "vrrp/events.hpp"

namespace lbd::daemon {

// The real servers an override touched, or why it was refused.
using override_answer = result<std::vector<api::affected_server>, std::string>;

// A service's weight after a reconcile pass: the sum of what lbd programmed for its real servers
// (0 for drained, failed, ejected ones; a sorry server not counted) and of their configured weights.
struct service_weight {
  std::string service;
  std::uint64_t live = 0;
  std::uint64_t configured = 0;
};

struct reconcile_report {
  std::size_t ops = 0;     // IPVS write operations sent
  std::size_t errors = 0;  // of which the kernel refused
  std::string failure;     // non-empty: the snapshot could not be read, nothing was changed
};

// How the kernel's statistics are read between reconcile passes. `open` makes the backend the
// reader uses (empty: no reader; the reconcile reads are the statistics). `own_thread`: on a
// thread of its own with the steady clock (the daemon); otherwise on the runtime's loop with its
// time source (tests on fake time).
struct kernel_stats_reader {
  // Its snapshots should end early once `cancelled` returns true (see stats_cache.hpp).
  std::function<std::unique_ptr<ipvs::backend>(std::function<bool()> cancelled)> open;
  bool own_thread = true;
};

class service_runtime {
 public:
  // The daemon: real checks, the steady clock, statistics read through a netlink socket of their own,
  // IPVS read and written on a worker thread (ipvs_worker.hpp).
  service_runtime(boost::asio::io_context& io, metrics::registry& metrics, ipvs::backend& kernel);
  // The same with the checks run by `probes` (tests: a fake prober) instead of the real check types,
  // every timer and clock (checks, periodic pass, ages) from `time` (tests: fake_time, which must
  // drive `io`), the statistics read as `stats` says, and the agent checks' queries made by
  // `agents` (empty: the real agent prober). The IPVS jobs run on the caller's thread unless
  // `ipvs_thread`.
  service_runtime(boost::asio::io_context& io, metrics::registry& metrics, ipvs::backend& kernel,
                  healthcheck::prober& probes, healthcheck::time_source& time, kernel_stats_reader stats = {},
                  agent_query agents = {}, bool ipvs_thread = false);
  ~service_runtime();
  service_runtime(const service_runtime&) = delete;
  service_runtime& operator=(const service_runtime&) = delete;

  // Starts or reloads (see above) and reconciles once, waiting for the pass. `changes`: config::diff
  // from the configuration of the previous apply() to `cfg` (the reload plan's); the first apply()
  // ignores it.
  reconcile_report apply(const config::config& cfg, const config::config_diff& changes);
  // The same on a config the caller shares instead of one copied (the daemon's running config).
  reconcile_report apply(std::shared_ptr<const config::config> cfg, const config::config_diff& changes);
  // Reconciles now and waits for the pass. The periodic timer and health changes start passes that
  // the main loop does not wait for.
  reconcile_report reconcile();

  // Runtime overrides, kept across reloads while the real server stays in the config. `server` is
  // "ip:port" as in lbd.conf; `service` (a virtual_server name) narrows it when the server is in
  // several services. Errors name the problem ("no real server 10.0.1.99:80 in any service").
  //   drain: weight 0 now, removed once it has no connections (or global.drain_timeout passed)
  //   weight: this weight instead of the configured / dynamic one, while healthy
  //   enable: back to what the config and the checks say
  // Each returns the affected real servers as in services() and reconciles at once.
  override_answer drain(const std::string& server, const std::optional<std::string>& service);
  override_answer enable(const std::string& server, const std::optional<std::string>& service);
  override_answer set_weight(const std::string& server, const std::optional<std::string>& service, unsigned weight);

  // Keeps the overrides in the file `path` (lbd --state-file): read at the first apply() (those of
  // real servers no longer configured are dropped, logged), rewritten on every change, so that a
  // restart or an upgrade keeps them. Empty (the default): held in memory only.
  void keep_overrides_in(std::string path);

  // Where passive outlier detection reads the kernel's connection table (its text, or why not).
  // Default: /proc/net/ip_vs_conn. Tests give the text of their fake kernel.
  void read_connections_with(std::function<result<std::string, std::string>()> read);

  // After every reconcile pass that programmed the kernel: every service's weight, in config order
  // (the anycast announcements follow them).
  void on_pass(std::function<void(const std::vector<service_weight>&)> observer);

  // A VRRP instance changed state: the sync daemon follows config.ipvs.sync_daemon.follow.
  void on_vrrp_state(const std::string& instance, vrrp::state s);

  // The per-service / per-real-server connection, packet and byte series of the last read of the
  // kernel as Prometheus text (stats_exposition.hpp; called at each metrics scrape, it never reads
  // the kernel itself), and lbd_ipvs_stats_age_seconds in the registry set to that read's age.
  [[nodiscard]] std::string kernel_stats_text();
  // The IPVS worker's metrics (lbd_ipvs_operations_total...) as of its last finished job, to render
  // with the main loop's registry; nullptr when the worker counts into that registry (tests).
  [[nodiscard]] const metrics::registry* worker_metrics() const;

  // Stops the checks and the timer, then applies the exit policy: keep leaves the kernel as it is;
  // remove deletes every service lbd owns and returns only once the kernel holds none of them
  // (never a partial table left behind). Synchronous.
  reconcile_report stop(config::exit_policy policy);

  // The flag the kernel backend's table reads check (ipvs::netlink::client_options::cancelled): a
  // reload, an override or a stop that finds a full pass on the IPVS worker raises it, so that the
  // pass gives up its dump instead of holding them up for a whole table; the pass runs again after.
  void abandon_full_reads_with(std::atomic<bool>& flag);

  // For `lbctl services` / `lbctl status`: one per virtual server in config order
  // (docs/control-protocol.md).
  [[nodiscard]] std::vector<api::service> services() const;
  // The same one service at a time, for answers written as they are made (status/answer_text.hpp).
  [[nodiscard]] api::service_stream service_stream() const;
  // For `lbctl checks`: one per running (deduplicated) check.
  [[nodiscard]] std::vector<api::check> checks() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace lbd::daemon

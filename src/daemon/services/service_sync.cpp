// SPDX-License-Identifier: GPL-2.0-or-later
// The IPVS connection-sync daemon: its MASTER or BACKUP role follows the VRRP instance named in
// [ipvs] sync_daemon.follow. The daemon is part of the desired state (desired_table.cpp) and the
// reconciler starts and stops it; here are its log lines and metrics. The kernel's refusals are
// logged once per distinct message.
#include "daemon/services/service_runtime_impl.hpp"

namespace lbd::daemon {

void service_runtime::impl::note_sync_error(const std::string& what) {
  metrics_.get_counter("lbd_ipvs_sync_daemon_errors_total", "Sync daemon requests the kernel refused").inc();
  if (what == last_sync_error_) return;
  last_sync_error_ = what;
  log_.warning("sync daemon: {}", what);
}

bool service_runtime::impl::sync_master() const {
  if (!cfg_->ipvs.sync_daemon) return false;
  const auto followed = vrrp_states_.find(cfg_->ipvs.sync_daemon->follow);
  return followed != vrrp_states_.end() && followed->second == vrrp::state::master;
}

void service_runtime::impl::on_vrrp_state(const std::string& instance, vrrp::state s) {
  vrrp_states_[instance] = s;
  if (stopped_ || !cfg_->ipvs.sync_daemon || cfg_->ipvs.sync_daemon->follow != instance) return;
  // A role change is a change of the desired state; the same role again needs no pass. The pass
  // covers the sync daemon alone: no table dump delays the new role.
  if (sync_running_ && *sync_running_ == sync_daemon_of(cfg_->ipvs, sync_master())) return;
  auto want = std::make_shared<const ipvs::desired_state>(desired());
  ipvs::owned_state daemons_only = owned();
  daemons_only.services.clear();
  ipvs_.submit([want, daemons_only](ipvs::reconciler& r) { return r.reconcile(*want, daemons_only); },
               [this, alive = std::weak_ptr<int>(alive_), want](pass_result out) {
                 if (alive.expired() || stopped_) return;
                 if (!out) {
                   note_sync_error("reading the sync daemons failed: " + out.error().message);
                   return;
                 }
                 note_sync(*out, *want);
               });
}

void service_runtime::impl::note_sync(const ipvs::reconciler::outcome& out, const ipvs::desired_state& want) {
  bool failed = false;
  for (std::size_t i = 0; i < out.ops.size(); ++i) {
    const ipvs::op& o = out.ops[i];
    if (o.kind != ipvs::op_kind::start_daemon && o.kind != ipvs::op_kind::stop_daemon) continue;
    const bool ok = i < out.results.size() && out.results[i].ok();
    if (!ok) {
      failed = true;
      note_sync_error(i < out.results.size() ? out.results[i].message : ipvs::describe(o) + ": no result");
      continue;
    }
    if (o.kind == ipvs::op_kind::stop_daemon) {
      log_.notice("sync daemon: {} on {} stopped", ipvs::to_string(o.daemon.state), o.daemon.mcast_ifname);
      continue;
    }
    const auto& d = o.daemon;
    if (sync_running_ && *sync_running_ == d) {
      log_.warning("sync daemon: {} on {} (sync id {}) had stopped behind lbd's back; started again",
                   ipvs::to_string(d.state), d.mcast_ifname, d.sync_id);
    } else {
      log_.notice("sync daemon: {} on {} (sync id {})", ipvs::to_string(d.state), d.mcast_ifname, d.sync_id);
    }
    metrics_
        .get_counter("lbd_ipvs_sync_daemon_changes_total", "Sync daemon role changes",
                     {{"state", std::string(ipvs::to_string(d.state))}})
        .inc();
  }
  if (want.daemons.empty()) {
    // Not configured (any more): once the kernel runs none, lbd no longer manages them.
    if (!failed && sync_running_) log_.notice("sync daemon stopped: no longer configured");
    if (!failed) {
      sync_running_.reset();
      sync_owned_ = false;
    }
    return;
  }
  sync_owned_ = true;
  if (failed) return;
  const auto& d = want.daemons.front();
  metrics_.get_gauge("lbd_ipvs_sync_daemon_master", "Sync daemon runs as master (1) or backup (0)")
      .set(d.state == ipvs::daemon_state::master ? 1 : 0);
  last_sync_error_.clear();
  sync_running_ = d;
}

}  // namespace lbd::daemon

// SPDX-License-Identifier: GPL-2.0-or-later
// The IPVS connection-sync daemon: its MASTER or BACKUP role follows the VRRP instance named in
// [ipvs] sync_daemon.follow. The kernel's refusals are logged once per distinct message.
#include "daemon/service_runtime_impl.hpp"

namespace lbd::daemon {

void service_runtime::impl::note_sync_error(const std::string& what) {
  metrics_.get_counter("lbd_ipvs_sync_daemon_errors_total", "Sync daemon requests the kernel refused").inc();
  if (what == last_sync_error_) return;
  last_sync_error_ = what;
  log_.warning("sync daemon: {}", what);
}

void service_runtime::impl::on_vrrp_state(const std::string& instance, vrrp::state s) {
  vrrp_states_[instance] = s;
  if (stopped_ || !cfg_.ipvs.sync_daemon || cfg_.ipvs.sync_daemon->follow != instance) return;
  apply_sync_daemon();
}

void service_runtime::impl::apply_sync_daemon(bool verify) {
  const auto& want_cfg = cfg_.ipvs.sync_daemon;
  if (!want_cfg) {
    if (sync_running_) {
      if (auto st = kernel_.stop_daemon(sync_running_->state); !st) note_sync_error(st.error().message);
      log_.notice("sync daemon stopped: no longer configured");
      sync_running_.reset();
    }
    return;
  }
  const auto followed = vrrp_states_.find(want_cfg->follow);
  const bool master = followed != vrrp_states_.end() && followed->second == vrrp::state::master;
  ipvs::sync_daemon want;
  want.state = master ? ipvs::daemon_state::master : ipvs::daemon_state::backup;
  want.mcast_ifname = want_cfg->interface;
  want.sync_id = want_cfg->sync_id;
  want.sync_maxlen = want_cfg->maxlen.value_or(0);
  want.mcast_group = want_cfg->mcast_group;
  want.mcast_port = want_cfg->mcast_port.value_or(0);
  want.mcast_ttl = want_cfg->mcast_ttl.value_or(0);
  const bool as_left = sync_running_ && *sync_running_ == want;
  if (as_left && !verify) return;

  // What the kernel runs now: after a restart lbd adopts a daemon that is already right.
  auto running = kernel_.daemons();
  if (!running) {
    note_sync_error("reading the sync daemons failed: " + running.error().message);
    return;
  }
  bool have = false;
  for (const auto& d : *running) {
    // The kernel may report defaults lbd left unset; the role, interface and id decide.
    const bool same = d.state == want.state && d.mcast_ifname == want.mcast_ifname && d.sync_id == want.sync_id &&
                      (want.sync_maxlen == 0 || d.sync_maxlen == want.sync_maxlen) &&
                      (!want.mcast_group || d.mcast_group == want.mcast_group) &&
                      (want.mcast_port == 0 || d.mcast_port == want.mcast_port) &&
                      (want.mcast_ttl == 0 || d.mcast_ttl == want.mcast_ttl);
    if (same) {
      have = true;
      continue;
    }
    if (auto st = kernel_.stop_daemon(d.state); !st) {
      note_sync_error("stopping the " + std::string(ipvs::to_string(d.state)) + " daemon: " + st.error().message);
    } else {
      log_.notice("sync daemon: {} on {} stopped", ipvs::to_string(d.state), d.mcast_ifname);
    }
  }
  if (have && as_left) return;
  if (!have) {
    if (auto st = kernel_.start_daemon(want); !st) {
      note_sync_error("starting the " + std::string(ipvs::to_string(want.state)) + " daemon on " + want.mcast_ifname +
                      ": " + st.error().message);
      return;
    }
  }
  if (as_left) {
    log_.warning("sync daemon: {} on {} (sync id {}) had stopped behind lbd's back; started again",
                 ipvs::to_string(want.state), want.mcast_ifname, want.sync_id);
  } else {
    log_.notice("sync daemon: {} on {} (sync id {}){}", ipvs::to_string(want.state), want.mcast_ifname, want.sync_id,
                have ? ", already running" : "");
  }
  metrics_
      .get_counter("lbd_ipvs_sync_daemon_changes_total", "Sync daemon role changes",
                   {{"state", std::string(ipvs::to_string(want.state))}})
      .inc();
  metrics_.get_gauge("lbd_ipvs_sync_daemon_master", "Sync daemon runs as master (1) or backup (0)").set(master ? 1 : 0);
  last_sync_error_.clear();
  sync_running_ = want;
}

}  // namespace lbd::daemon

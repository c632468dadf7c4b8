// SPDX-License-Identifier: GPL-2.0-or-later
// service_runtime's stop: the exit policy applied to lbd's IPVS state and nftables table.
#include <utility>

#include "daemon/services/service_runtime_impl.hpp"

namespace lbd::daemon {

reconcile_report service_runtime::impl::stop(config::exit_policy policy) {
  reconcile_report report;
  if (stopped_) return report;
  // Checks and timers first: nothing may re-add what the exit policy removes.
  const bool touch = needs_kernel();
  stopped_ = true;
  periodic_->cancel();
  outlier_timer_->cancel();
  ramp_timer_->cancel();
  if (stats_) {
    stats_->pause();  // for good: the removal below never waits for a dump
    stats_->configure(false, {});
  }
  watches_.clear();
  agents_.stop();
  services_.clear();
  if (!fullnat_.stop(policy == config::exit_policy::remove)) {
    report.failure = "lbd's nftables table could not be removed";
  }
  if (!touch) return report;
  // Reconciled to "nothing" until a pass finds nothing to do: the sync daemon lbd runs stops in
  // any case; under remove, every service lbd owns goes too (the kernel drops their destinations
  // with them). lbd returns only once the kernel holds none of them, never a partial table.
  const bool remove = policy == config::exit_policy::remove;
  ipvs::owned_state mine = owned();
  if (!remove) mine.services.clear();
  if (mine.services.empty() && !mine.sync_daemons) {
    log_.notice("stopped; IPVS services left in the kernel (exit policy keep)");
    return report;
  }
  const ipvs::desired_state nothing;
  // The first pass plans from the table as lbd last knew it (the last read plus the operations
  // applied since) rather than from a dump of every destination, which takes seconds on a large
  // table; the passes after it read the kernel, by then (nearly) empty, and catch what it missed.
  std::optional<ipvs::kernel_state> known;
  if (have_kernel_) {
    known.emplace();
    known->services = std::move(last_kernel_);
    have_kernel_ = false;
    if (sync_running_) known->daemons.push_back(*sync_running_);
  }
  // A full pass on the worker gives up its dump: it has written nothing then, so the table as lbd
  // knows it is still right, and the stop does not wait for a whole-table read first.
  abandon_waiting_pass();
  bool clean = false;
  for (int attempt = 0; attempt < 4 && !clean; ++attempt) {
    const bool from_memory = known.has_value();
    auto out = run_waited([&nothing, &mine, from = std::exchange(known, std::nullopt)](ipvs::reconciler& r) mutable {
      return r.reconcile(nothing, mine, std::move(from));
    });
    if (!out) {
      report.failure = "reading the kernel while stopping failed: " + out.error().message;
      log_.err("{}", report.failure);
      return report;
    }
    clean = out->ops.empty() && !from_memory;  // only a read of the kernel can say it is clean
    report.ops += out->ops.size();
    report.errors += out->errors;
  }
  sync_running_.reset();
  sync_owned_ = false;
  if (!clean) {
    report.failure = "IPVS state of lbd still in the kernel after removal";
    log_.err("exit policy {}: {}", remove ? "remove" : "keep", report.failure);
    return report;
  }
  if (!remove) {
    log_.notice("stopped; IPVS services left in the kernel (exit policy keep)");
    return report;
  }
  leaving_.clear();
  log_.notice("stopped; every IPVS service of lbd removed (exit policy remove, {} operations)", report.ops);
  return report;
}

}  // namespace lbd::daemon

// SPDX-License-Identifier: GPL-2.0-or-later
// Reconcile passes of the service runtime: what each asks for (the whole table, or the services
// whose desired state changed), handing them to the IPVS worker, and taking their results back on
// the main loop; the periodic pass and the passes health changes ask for.
#include <boost/asio/post.hpp>

#include <cerrno>
#include <utility>

#include "daemon/services/service_runtime_impl.hpp"

namespace lbd::daemon {
namespace {

metrics::counter& reconciles(metrics::registry& m, const char* result) {
  return m.get_counter("lbd_service_reconciles_total", "IPVS reconcile passes of the service runtime, by result",
                       {{"result", result}});
}

}  // namespace

std::optional<service_runtime::impl::pass> service_runtime::impl::begin_pass(pass_scope scope, bool since_full) {
  if (!needs_kernel()) return std::nullopt;
  auto want = desired();
  observe_ramps(want);
  std::optional<ipvs::ownership> covers;
  if (scope == pass_scope::changes && last_want_ && have_kernel_) {
    covers = ipvs::changed_services(*last_want_, want);
    if (since_full && want_before_full_) {
      covers->merge(ipvs::changed_services(*want_before_full_, want));
    } else if (since_full) {
      covers.reset();  // nothing known from before that pass: this one reads the whole table
    }
    // Leaving services until the kernel has none, draining ones until their drains end.
    covers->insert(leaving_.begin(), leaving_.end());
    covers->merge(ipvs_.draining_services());
  }
  pass p{std::make_shared<const ipvs::desired_state>(std::move(want)),
         owned(),
         time_.now(),
         ++passes_begun_,
         std::chrono::steady_clock::now(),
         std::move(covers)};
  last_want_ = p.want;
  metrics_
      .get_counter("lbd_ipvs_passes_total", "Reconcile passes begun: full (the whole table read) or of changes",
                   {{"scope", p.scope ? "changes" : "full"}})
      .inc();
  // A full pass reads the whole table: the statistics reader waits (or abandons its dump) meanwhile.
  if (stats_ && !p.scope) stats_->pause();
  // The source NAT first: a new fullnat service's VIP:port is in the set before IPVS takes a connection.
  fullnat_.reconcile(*cfg_);
  return p;
}

reconcile_report service_runtime::impl::reconcile(pass_scope scope, std::optional<ipvs::kernel_state> fresh) {
  const bool since_full = abandon_waiting_pass();
  const auto p = begin_pass(scope, since_full);
  if (!p) return {};
  return finish_pass(*p, run_waited(pass_job(*p, std::move(fresh))));
}

bool service_runtime::impl::abandon_waiting_pass() {
  if (abandon_ == nullptr || !pass_running_ || !running_full_) return false;
  abandon_->store(true, std::memory_order_relaxed);
  return true;
}

void service_runtime::impl::reconcile_in_background(pass_scope scope) {
  if (pass_running_) {
    pass_again_ = true;
    return;
  }
  auto before = last_want_;
  const auto p = begin_pass(scope);
  if (!p) return;
  running_full_ = !p->scope;
  want_before_full_ = running_full_ ? std::move(before) : nullptr;
  set_pass_running(true);
  ipvs_.submit(pass_job(*p, std::nullopt), [this, alive = std::weak_ptr<int>(alive_), p = *p](pass_result out) {
    if (alive.expired()) return;
    set_pass_running(false);
    running_full_ = false;
    want_before_full_ = nullptr;
    if (stopped_) return;  // the stop reads the kernel itself
    const bool abandoned = !out && out.error().code == ECANCELED;
    finish_pass(p, std::move(out));
    if (abandoned) {
      // Given up for a reload or override: the whole table is still to be read and repaired.
      pass_again_ = false;
      reconcile_in_background(pass_scope::everything);
    } else if (std::exchange(pass_again_, false)) {
      schedule_reconcile();
    } else {
      arm_periodic();  // the next periodic pass an interval after this one ended
    }
  });
}

void service_runtime::impl::set_pass_running(bool running) {
  pass_running_ = running;
  metrics_.get_gauge("lbd_ipvs_pass_running", "A reconcile pass is on the IPVS worker and the main loop goes on (1)")
      .set(running ? 1 : 0);
}

reconcile_report service_runtime::impl::finish_pass(const pass& p, pass_result out) {
  reconcile_report report;
  metrics_
      .get_histogram("lbd_ipvs_pass_seconds",
                     "Reconcile passes from the desired state computed to the result back on the main loop",
                     metrics::latency_buckets())
      .observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - p.begun).count());
  if (stats_ && !stopped_ && !p.scope) stats_->resume();
  fullnat_.settle(*cfg_);
  if (!out && out.error().code == ECANCELED) {
    // A full pass that gave up its read for a pass the main loop waited for (abandon_waiting_pass):
    // it wrote nothing, and that pass covered what this one would have changed (begin_pass).
    log_.info("reconcile: the full pass gave up its read of the table for a reload or override; it runs again");
    reconciles(metrics_, "abandoned").inc();
    return report;
  }
  if (!out) {
    last_want_ = nullptr;  // what this pass was to write is unknown: the next pass is a full one
    report.failure = out.error().message;
    log_.err("reconcile: reading the kernel failed: {}", report.failure);
    if (cfg_->ipvs.sync_daemon) note_sync_error("reading the sync daemons failed: " + report.failure);
    reconciles(metrics_, "error").inc();
    return report;
  }
  report.ops = out->ops.size();
  report.errors = out->errors;
  if (out->scope) {
    metrics_.get_counter("lbd_ipvs_pass_services_read_total", "Services the passes of changes read from the kernel")
        .inc(static_cast<double>(out->scope->size()));
  }
  if (!out->ops.empty()) {
    log_.notice("reconcile{}: {} IPVS operations{}",
                out->scope ? fmt::format(" of {} changed service(s)", out->scope->size()) : std::string(),
                out->ops.size(), out->errors == 0 ? std::string() : fmt::format(", {} refused", out->errors));
  }
  reconciles(metrics_, out->errors == 0 ? "ok" : "partial").inc();
  // A later pass already finished: what this one read is older than what lbd knows, and the later
  // pass may not have covered its services. A full pass puts last_kernel_ right.
  if (p.seq < passes_finished_) {
    last_want_ = nullptr;
    schedule_reconcile();
    return report;
  }
  passes_finished_ = p.seq;
  // Refused writes in a pass of changes: the kernel is not what lbd thought; a full pass reads it.
  if (p.scope && out->errors != 0) {
    last_want_ = nullptr;
    schedule_reconcile();
  }
  note_sync(*out, *p.want);
  take_kernel(p, std::move(out->kernel.services));
  const auto weights = export_weights(last_kernel_, p.scope ? &*p.scope : nullptr);
  if (on_pass_) on_pass_(weights);
  return report;
}

void service_runtime::impl::take_kernel(const pass& p, ipvs::table kernel) {
  if (!p.scope) {
    for (auto it = leaving_.begin(); it != leaving_.end();) {
      it = kernel.count(*it) == 0 ? leaving_.erase(it) : std::next(it);
    }
    last_kernel_ = std::move(kernel);
    have_kernel_ = true;
    kernel_read_at_ = p.read_at;
    return;
  }
  for (const auto& key : *p.scope) {
    if (kernel.count(key) == 0) leaving_.erase(key);
    last_kernel_.erase(key);
  }
  last_kernel_.merge(kernel);
}

void service_runtime::impl::schedule_reconcile() {
  if (reconcile_posted_ || stopped_) return;
  reconcile_posted_ = true;
  // Not inside the check's callback: the monitors may be mid-update, and many results arriving
  // together make one pass.
  boost::asio::post(io_, [this, alive = std::weak_ptr<int>(alive_)] {
    if (alive.expired()) return;
    reconcile_posted_ = false;
    if (!stopped_) reconcile_in_background(pass_scope::changes);
  });
}

void service_runtime::impl::arm_periodic() {
  periodic_->cancel();
  if (stopped_ || cfg_->global.reconcile_interval <= duration::zero()) return;
  periodic_->async_wait_until(time_.now() + cfg_->global.reconcile_interval,
                              [this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
                                if (ec || alive.expired() || stopped_) return;
                                // Repairs the table, the timeouts and the sync daemon alike (`ipvsadm -C`, `--set`,
                                // `--stop-daemon` behind lbd's back). The interval runs from the end of the last
                                // pass, whatever asked for it: a pass that takes longer than the interval (a large
                                // table in a slow machine) must not make the worker dump the table back to back.
                                // A pass still running re-arms the timer when it ends.
                                if (pass_running_) return;
                                reconcile_in_background(pass_scope::everything);
                                if (!pass_running_) arm_periodic();  // no pass started, or it ended at once
                              });
}

}  // namespace lbd::daemon

// SPDX-License-Identifier: GPL-2.0-or-later
// Slow start in the service runtime: every reconcile pass scales the weights of the ramping real
// servers (slow_start.hpp), and between passes a timer raises them once a second. A step edits only
// the ramping destinations, planned from the table as lbd last knew it: no dump of the kernel, so a
// ramp costs one small write a second however large the table.
#include <fmt/format.h>

#include "daemon/services/service_runtime_impl.hpp"
#include "ipvs/plan.hpp"

namespace lbd::daemon {
namespace {

namespace hc = healthcheck;
using std::chrono::duration_cast;
using std::chrono::seconds;

std::string secs(hc::duration d) { return fmt::format("{}s", duration_cast<seconds>(d).count()); }

std::uint32_t weight_in(const ipvs::table& t, const ipvs::service_key& s, const endpoint& server) {
  const auto svc = t.find(s);
  if (svc == t.end()) return 0;
  const auto d = svc->second.dests.find(dest_key_of(server));
  return d == svc->second.dests.end() ? 0 : d->second.attrs.weight;
}

}  // namespace

void service_runtime::impl::observe_ramps(ipvs::desired_state& want) {
  const auto now = time_.now();
  if (!ramps_observed_) {
    // The services the kernel held when lbd started: their servers out then were out before.
    for (const auto& e : services_) {
      if (have_kernel_ && last_kernel_.count(e.keys.front()) != 0) adopted_.insert(e.vs->name);
    }
    ramps_observed_ = true;
  }
  const auto events = ramps_.observe(*cfg_, want, adopted_, now);
  for (const auto& ev : events) {
    const auto server = to_string(ev.server.address);
    switch (ev.what) {
      case ramp_event::kind::started:
        log_.notice("real server {} in {}: slow start over {}, from 10% of its weight", server, ev.server.service,
                    secs(ev.r.window));
        break;
      case ramp_event::kind::finished:
        log_.notice("real server {} in {}: slow start over, at its full weight", server, ev.server.service);
        break;
      case ramp_event::kind::cancelled:
        log_.notice(
            "real server {} in {}: slow start ended after {} of {}: out of service again, or slow_start "
            "turned off",
            server, ev.server.service, secs(now - ev.r.since), secs(ev.r.window));
        break;
    }
    metrics_
        .get_counter("lbd_slow_start_events_total",
                     "Slow starts of real servers, by event (started, finished, cancelled)",
                     {{"event", std::string(to_string(ev.what))}})
        .inc();
  }
  // What each ramp climbs to (lbctl), before the weights are scaled.
  ramp_targets_.clear();
  for (const auto& e : services_) {
    for (const auto& rs : e.vs->real_servers) {
      server_ref ref{e.vs->name, rs.address};
      if (ramps_.find(ref) != nullptr) ramp_targets_[ref] = weight_in(want.services, e.keys.front(), rs.address);
    }
  }
  ramps_.scale(*cfg_, want, now);
  std::map<std::string, double> ramping;
  for (const auto& e : services_) ramping[e.vs->name] = 0;
  for (const auto& [ref, r] : ramps_.ramps()) ramping[ref.service] += 1;
  for (const auto& [service, n] : ramping) {
    metrics_.get_gauge("lbd_realservers_slow_starting", "Real servers in slow start", {{"service", service}}).set(n);
  }
  for (const auto& old : ramp_series_) {
    if (ramping.count(old) == 0) metrics_.remove("lbd_realservers_slow_starting", {{"service", old}});
  }
  ramp_series_.clear();
  for (const auto& [service, n] : ramping) ramp_series_.insert(service);
  if (!events.empty()) save_overrides();
  arm_ramps();
}

void service_runtime::impl::arm_ramps() {
  ramp_timer_->cancel();
  const auto due = ramps_.next_step(time_.now());
  if (!due || stopped_) return;
  ramp_timer_->async_wait_until(*due, [this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
    if (ec || alive.expired() || stopped_) return;
    step_ramps();
  });
}

void service_runtime::impl::step_ramps() {
  if (!have_kernel_) {
    reconcile(pass_scope::everything);  // nothing known to plan from
    return;
  }
  auto want = desired();
  observe_ramps(want);
  // Only the weights of the servers that ramp, or just finished, move; everything else waits for
  // the next full pass.
  std::vector<ipvs::op> ops;
  for (const auto& e : services_) {
    for (const auto& rs : e.vs->real_servers) {
      for (const auto& key : e.keys) {
        const auto have = last_kernel_.find(key);
        const auto wanted = want.services.find(key);
        if (have == last_kernel_.end() || wanted == want.services.end()) continue;
        const auto d = have->second.dests.find(dest_key_of(rs.address));
        const auto w = wanted->second.dests.find(dest_key_of(rs.address));
        if (d == have->second.dests.end() || w == wanted->second.dests.end()) continue;
        if (d->second.attrs.weight == w->second.attrs.weight || w->second.attrs.weight == 0) continue;
        ipvs::op o{ipvs::op_kind::edit_dest, key, have->second.attrs, d->first, d->second.attrs, {}, {}};
        o.dst.weight = w->second.attrs.weight;
        ops.push_back(std::move(o));
      }
    }
  }
  if (ops.empty()) return;
  ipvs_.submit(
      [ops = std::move(ops)](ipvs::reconciler& r) mutable { return r.apply(std::move(ops), log::level::info); },
      [this, alive = std::weak_ptr<int>(alive_)](const ipvs::reconciler::outcome& out) {
        if (alive.expired() || stopped_) return;
        ipvs::ownership stepped;
        for (std::size_t i = 0; i < out.ops.size(); ++i) {
          if (i >= out.results.size() || !out.results[i].ok()) continue;
          last_kernel_[out.ops[i].service].dests[out.ops[i].dest].attrs = out.ops[i].dst;
          stepped.insert(out.ops[i].service);
        }
        export_weights(last_kernel_, &stepped);
        // A refused edit means the table is not what lbd thinks: a full pass reads it and repairs.
        if (out.errors != 0) {
          last_want_ = nullptr;
          schedule_reconcile();
        }
      });
}

std::optional<std::string> service_runtime::impl::ramp_text(const std::string& service, const endpoint& server) const {
  const server_ref ref{service, server};
  const auto* r = ramps_.find(ref);
  if (r == nullptr) return std::nullopt;
  const auto target = ramp_targets_.find(ref);
  return fmt::format("slow start {}/{} s to weight {}", duration_cast<seconds>(time_.now() - r->since).count(),
                     duration_cast<seconds>(r->window).count(), target == ramp_targets_.end() ? 0 : target->second);
}

}  // namespace lbd::daemon

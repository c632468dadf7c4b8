// SPDX-License-Identifier: GPL-2.0-or-later
#include "ipvs/reconciler.hpp"

#include <array>
#include <cerrno>

namespace lbd::ipvs {

reconciler::reconciler(backend& b, metrics::registry& m, log::logger l, std::chrono::nanoseconds drain_timeout)
    : backend_(b), metrics_(m), log_(std::move(l)), tracker_(drain_timeout) {}

void reconciler::count_read_error(const ipvs_error& e) {
  if (e.code == ECANCELED) return;  // a read given up on purpose (client_options::cancelled): its caller says why
  log_.err("reading the kernel state failed: {}", e.message);
  metrics_
      .get_counter("lbd_ipvs_errors_total", "IPVS operations the kernel refused, by operation and error",
                   {{"op", "snapshot"}, {"error", errno_name(e.code)}})
      .inc();
}

result<kernel_state, ipvs_error> reconciler::read(const desired_state& desired, const owned_state& owned) {
  kernel_state k;
  // Owning no service (the sync daemon's role change, the exit policy keep), the pass needs no dump.
  if (!owned.services.empty()) {
    auto snap = backend_.snapshot();
    if (!snap) return unexpected(snap.error());
    k.services = std::move(snap).value();
  }
  if (auto st = read_settings(desired, owned, k); !st) return unexpected(st.error());
  return k;
}

status<ipvs_error> reconciler::read_settings(const desired_state& desired, const owned_state& owned, kernel_state& k) {
  const timeouts& t = desired.timeouts;
  if (t.tcp != 0 || t.tcp_fin != 0 || t.udp != 0) {
    auto have = backend_.get_timeouts();
    if (!have) return unexpected(have.error());
    k.timeouts = *have;
  }
  if (owned.sync_daemons) {
    auto running = backend_.daemons();
    if (!running) return unexpected(running.error());
    k.daemons = std::move(running).value();
  }
  return ok;
}

result<reconciler::outcome, ipvs_error> reconciler::reconcile(const desired_state& desired, const owned_state& owned,
                                                              std::optional<kernel_state> fresh,
                                                              clock::time_point now) {
  if (!fresh) {
    auto k = read(desired, owned);
    if (!k) {
      count_read_error(k.error());
      return unexpected(k.error());
    }
    fresh = std::move(k).value();
  }
  return settle(std::move(*fresh), desired, owned, now, nullptr);
}

result<reconciler::outcome, ipvs_error> reconciler::reconcile_scope(const desired_state& desired,
                                                                    const owned_state& owned, const ownership& scope,
                                                                    clock::time_point now) {
  // The pass's world: the services of the scope lbd owns, and nothing of the others.
  owned_state mine{{}, owned.sync_daemons};
  desired_state want;
  want.timeouts = desired.timeouts;
  want.daemons = desired.daemons;
  for (const auto& key : scope) {
    if (owned.services.count(key) == 0) continue;
    mine.services.insert(key);
    if (const auto d = desired.services.find(key); d != desired.services.end()) want.services.insert(*d);
    if (desired.drained.count(key) != 0) want.drained.insert(key);
    if (const auto o = desired.drain_only.find(key); o != desired.drain_only.end()) want.drain_only.insert(*o);
  }
  kernel_state k;
  auto st = [&]() -> status<ipvs_error> {
    if (!mine.services.empty()) {
      auto snap = backend_.snapshot_of(mine.services);
      if (!snap) return unexpected(snap.error());
      k.services = std::move(snap).value();
    }
    return read_settings(want, mine, k);
  }();
  if (!st) {
    count_read_error(st.error());
    return unexpected(st.error());
  }
  outcome out = settle(std::move(k), want, mine, now, &mine.services);
  out.scope = std::move(mine.services);
  return out;
}

reconciler::outcome reconciler::settle(kernel_state kernel, const desired_state& desired, const owned_state& owned,
                                       clock::time_point now, const ownership* within) {
  if (owned.services.empty() && within == nullptr) {
    // No table read: the drain tracker, which forgets what the kernel no longer has, is left alone.
    desired_state want;
    want.timeouts = desired.timeouts;
    want.daemons = desired.daemons;
    outcome out = apply(plan(kernel, want, owned));
    patch(kernel, out.ops, out.results);
    out.kernel = std::move(kernel);
    return out;
  }
  // A copy of the kernel table only when some destinations must be hidden from the tracker.
  const table hidden = desired.drain_only.empty() ? table{} : drain_view(kernel.services, desired);
  const table& view = desired.drain_only.empty() ? kernel.services : hidden;
  // The desired table plus the destinations still draining: a copy only when some are.
  table with_drains;
  const table* wanted = &desired.services;
  if (!tracker_.settled(view, desired.services, desired.drained, within)) {
    auto adjusted = tracker_.update(view, desired.services, desired.drained, now, within);
    for (const auto& e : adjusted.events) note(e);
    with_drains = std::move(adjusted.desired);
    wanted = &with_drains;
  }
  outcome out = apply(plan(kernel, desired, *wanted, owned));
  patch(kernel, out.ops, out.results);
  out.kernel = std::move(kernel);
  return out;
}

void reconciler::note(const drain_event& e) {
  log_.with({{log::event_field, "drain"},
             {log::server_field, to_string(e.dest)},
             {log::reason_field, std::string(to_string(e.kind))}})
      .notice("drain of {} in {}: {}", to_string(e.dest), to_string(e.service), to_string(e.kind));
  const char* name = e.kind == drain_event_kind::started            ? "started"
                     : e.kind == drain_event_kind::finished_idle    ? "finished_idle"
                     : e.kind == drain_event_kind::finished_timeout ? "finished_timeout"
                                                                    : "recovered";
  metrics_.get_counter("lbd_ipvs_drain_events_total", "Real-server drain transitions", {{"event", name}}).inc();
}

result<reconciler::outcome, ipvs_error> reconciler::reconcile(const table& desired, const ownership& owned) {
  auto snap = backend_.snapshot();
  if (!snap) {
    count_read_error(snap.error());
    return unexpected(snap.error());
  }
  outcome out = apply(plan(*snap, desired, owned));
  out.kernel.services = std::move(snap).value();
  patch(out.kernel.services, out.ops, out.results);
  return out;
}

reconciler::outcome reconciler::apply(std::vector<op> ops, log::level done) {
  outcome out;
  out.ops = std::move(ops);
  if (out.ops.empty()) return out;
  out.results = backend_.apply(out.ops);
  // A table of 100k entries is 100k operations: look each counter up once, and describe an
  // operation only when the line is logged.
  std::array<metrics::counter*, 9> sent{};
  const bool log_each = log::threshold() >= done;
  for (std::size_t i = 0; i < out.ops.size(); ++i) {
    const op& o = out.ops[i];
    const std::string_view kind = to_string(o.kind);
    auto*& c = sent.at(static_cast<std::size_t>(o.kind));
    if (c == nullptr) {
      c = &metrics_.get_counter("lbd_ipvs_operations_total", "IPVS operations sent to the kernel, by operation",
                                {{"op", std::string(kind)}});
    }
    c->inc();
    const op_result& r = i < out.results.size() ? out.results[i] : op_result{EIO, "no result from the backend"};
    if (r.ok()) {
      if (log_each) log_.log(done, "{}", describe(o));
    } else {
      ++out.errors;
      log_.err("{} failed: {}", describe(o), r.message);
      metrics_
          .get_counter("lbd_ipvs_errors_total", "IPVS operations the kernel refused, by operation and error",
                       {{"op", std::string(kind)}, {"error", errno_name(r.code)}})
          .inc();
    }
  }
  return out;
}

}  // namespace lbd::ipvs

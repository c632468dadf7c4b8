// SPDX-License-Identifier: GPL-2.0-or-later
#include "ipvs/reconciler.hpp"

#include <array>

namespace lbd::ipvs {

reconciler::reconciler(backend& b, metrics::registry& m, log::logger l)
    : backend_(b), metrics_(m), log_(std::move(l)) {}

result<reconciler::outcome, ipvs_error> reconciler::reconcile(const table& desired, const ownership& owned) {
  auto snap = backend_.snapshot();
  if (!snap) {
    log_.err("reading the kernel table failed: {}", snap.error().message);
    metrics_
        .get_counter("lbd_ipvs_errors_total", "IPVS operations the kernel refused, by operation and error",
                     {{"op", "snapshot"}, {"error", errno_name(snap.error().code)}})
        .inc();
    return unexpected(snap.error());
  }
  auto ops = plan(*snap, desired, owned);
  outcome out = apply(std::move(ops));
  out.kernel = std::move(snap).value();
  return out;
}

result<reconciler::outcome, ipvs_error> reconciler::reconcile(const table& desired, const ownership& owned,
                                                              drain_tracker& tracker, const ownership& drained,
                                                              drain_tracker::clock::time_point now) {
  auto snap = backend_.snapshot();
  if (!snap) {
    log_.err("reading the kernel table failed: {}", snap.error().message);
    return unexpected(snap.error());
  }
  auto adjusted = tracker.update(*snap, desired, drained, now);
  for (const auto& e : adjusted.events) {
    log_.notice("drain of destination {} of {}: {}", to_string(e.dest), to_string(e.service), to_string(e.kind));
    const char* name = e.kind == drain_event_kind::started            ? "started"
                       : e.kind == drain_event_kind::finished_idle    ? "finished_idle"
                       : e.kind == drain_event_kind::finished_timeout ? "finished_timeout"
                                                                      : "recovered";
    metrics_.get_counter("lbd_ipvs_drain_events_total", "Real-server drain transitions", {{"event", name}}).inc();
  }
  outcome out = apply(plan(*snap, adjusted.desired, owned));
  out.kernel = std::move(snap).value();
  return out;
}

reconciler::outcome reconciler::apply(std::vector<op> ops) {
  outcome out;
  out.ops = std::move(ops);
  if (out.ops.empty()) return out;
  out.results = backend_.apply(out.ops);
  // A table of 100k entries is 100k operations: look each counter up once, and describe an
  // operation only when the line is logged.
  std::array<metrics::counter*, 6> sent{};
  const bool log_each = log::threshold() >= log::level::notice;
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
      if (log_each) log_.notice("{}", describe(o));
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

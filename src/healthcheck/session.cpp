// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/session.hpp"

#include <algorithm>

#include "common/duration.hpp"

namespace lbd::healthcheck {
namespace {

double seconds(duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

std::string_view to_string(status s) {
  switch (s) {
    case status::up: return "up";
    case status::down: return "down";
    case status::pending: return "pending";
  }
  return "?";
}

check_session::check_session(const boost::asio::any_io_executor& ex, prober& p, metrics::registry& m, check_spec spec,
                             time_source& time)
    : time_(time),
      timer_(time.make_timer(ex)),
      prober_(p),
      metrics_(m),
      spec_(std::move(spec)),
      type_(type_name(spec_.params)),
      log_("check[" + display_name(spec_) + "]", {{log::server_field, to_string(spec_.target)}}),
      schedule_(spec_.timing, time_.now(), stable_hash(canonical_key(spec_))),
      thresholds_(spec_.thresholds),
      lateness_(m.get_histogram("lbd_check_lateness_seconds", "Delay of probe starts against their schedule",
                                metrics::latency_buckets())),
      latency_(m.get_histogram("lbd_check_latency_seconds", "Health check probe latency", metrics::latency_buckets(),
                               {{"type", type_}})) {
  state_.assumed = spec_.thresholds.initial;
}

void check_session::start() {
  stopped_ = false;
  rearm(time_.now());
}

void check_session::stop() {
  stopped_ = true;
  armed_ = false;
  timer_->cancel();
}

void check_session::set_start_grid(duration grid) {
  spec_.timing.start_grid = grid;
  schedule_.set_start_grid(grid);
  if (!schedule_.in_flight()) rearm(time_.now());
}

void check_session::rearm(time_point now) {
  if (stopped_) return;
  time_point wake = schedule_.next_due();
  if (const auto deadline = schedule_.deadline()) {
    // In flight: wake for the timeout, or first at the start that follows a success in time. The
    // result then usually leaves the timer as it is: one timer operation per probe, not three.
    const auto next = schedule_.next_due_if_ok();
    wake = next > now ? std::min(*deadline, next) : *deadline;
  }
  wake = coalesced_wake(wake, spec_.timing.start_grid);
  if (armed_ && wake == armed_for_) return;
  armed_ = true;
  armed_for_ = wake;
  timer_->async_wait_until(wake, [weak = weak_from_this()](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: a newer wait, if any, is armed
    if (auto self = weak.lock()) {
      self->armed_ = false;
      self->on_timer();
    }
  });
}

void check_session::on_timer() {
  if (stopped_) return;
  const auto now = time_.now();
  if (schedule_.in_flight()) {
    if (schedule_.expire(now)) {
      apply(probe_fail("timeout", "no result within " + format_duration(spec_.timing.timeout), spec_.timing.timeout),
            now);
    }
    rearm(now);
    return;
  }
  const auto started = schedule_.start(now);
  if (!started) {
    rearm(now);  // woke up early (timer granularity): wait for the due time
    return;
  }
  state_.start_lateness = started->lateness;
  lateness_.observe(seconds(started->lateness));
  prober_.async_probe(spec_.target, spec_.params, spec_.timing.timeout,
                      [weak = weak_from_this(), id = started->probe_id](probe_result r) {
                        if (auto self = weak.lock()) self->on_result(id, std::move(r));
                      });
  rearm(now);
}

void check_session::on_result(std::uint64_t probe_id, probe_result r) {
  if (stopped_) return;
  const auto now = time_.now();
  if (!schedule_.finish(probe_id, now, r.ok)) return;  // the scheduler already gave up on it
  apply(std::move(r), now);
  rearm(now);
}

metrics::counter& check_session::results_counter(const std::string& kind) {
  for (auto& [k, c] : results_) {
    if (k == kind) return *c;
  }
  auto& c =
      metrics_.get_counter("lbd_check_results_total", "Health check results", {{"type", type_}, {"result", kind}});
  results_.emplace_back(kind, &c);
  return c;
}

void check_session::apply(probe_result r, time_point now) {
  auto self = shared_from_this();  // a listener may drop the last subscription
  const transition change = thresholds_.on_result(r.ok);
  const status before = state_.current;
  const status after = thresholds_.state() == health::up ? status::up : status::down;
  results_counter(r.kind).inc();
  latency_.observe(seconds(r.latency));
  state_.current = after;
  state_.assumed = thresholds_.state();
  state_.consecutive_ok = thresholds_.consecutive_ok();
  state_.consecutive_fail = thresholds_.consecutive_fail();
  ++state_.probes;
  if (r.weight) {
    state_.weight = r.weight;
  } else if (r.configured_weight) {
    state_.weight.reset();
  }
  const bool status_changed = before != after;
  if (status_changed) {
    state_.last_change = now;
    if (change == transition::pending) {
      // Out of pending into the initial state by a result pointing the other way (a first success
      // while rise is 2): say why the state is not the one the result suggests.
      log_.with({{log::event_field, "check_transition"}, {log::reason_field, r.reason}})
          .notice("{} -> {} ({}; {} of {} {} needed)", to_string(before), to_string(after), r.reason,
                  r.ok ? state_.consecutive_ok : state_.consecutive_fail,
                  r.ok ? spec_.thresholds.rise : spec_.thresholds.fall, r.ok ? "successes" : "failures");
    } else {
      log_.with({{log::event_field, "check_transition"}, {log::reason_field, r.reason}})
          .notice("{} -> {} ({})", to_string(before), to_string(after), r.reason);
    }
    metrics_
        .get_counter("lbd_check_transitions_total", "Health check status transitions",
                     {{"type", type_}, {"to", std::string(to_string(after))}})
        .inc();
  } else if (change == transition::pending) {
    log_.debug("{} {}/{} towards {} ({})", r.ok ? "success" : "failure",
               r.ok ? state_.consecutive_ok : state_.consecutive_fail,
               r.ok ? spec_.thresholds.rise : spec_.thresholds.fall, r.ok ? "up" : "down", r.reason);
  }
  state_.last = std::move(r);
  if (listener_) listener_(check_event{spec_, state_, change, status_changed});
}

}  // namespace lbd::healthcheck

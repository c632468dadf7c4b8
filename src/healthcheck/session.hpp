// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// One running check: the Asio shell around the pure schedule and thresholds. It owns one timer
// (next run, or the deadline of the probe in flight), calls the prober, applies the result, logs
// each status transition once at notice with its reason, counts results and transitions, and hands
// every result to one listener (the registry fans it out to subscribers). The time and the timer
// come from a time_source: the steady clock in the daemon, fake_time in tests.
#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/log.hpp"
#include "common/metrics.hpp"
#include "healthcheck/check_spec.hpp"
#include "healthcheck/prober.hpp"
#include "healthcheck/scheduler.hpp"
#include "healthcheck/state.hpp"
#include "healthcheck/thresholds.hpp"
#include "healthcheck/time_source.hpp"

namespace lbd::healthcheck {

struct check_event {
  const check_spec& spec;
  const server_state& state;
  transition change;    // what this result did to the up/down state
  bool status_changed;  // status (up/down/pending) differs from before this result
};

class check_session : public std::enable_shared_from_this<check_session> {
 public:
  using listener = std::function<void(const check_event&)>;

  // `time` must outlive the session.
  check_session(const boost::asio::any_io_executor& ex, prober& p, metrics::registry& m, check_spec spec,
                time_source& time = steady_time());
  check_session(const check_session&) = delete;
  check_session& operator=(const check_session&) = delete;

  void set_listener(listener l) { listener_ = std::move(l); }
  void start();
  // Cancels the timer; a result still in flight is ignored when it arrives.
  void stop();
  // From the next start on, starts go on this grid (see schedule_config::start_grid).
  void set_start_grid(duration grid);

  [[nodiscard]] const check_spec& spec() const { return spec_; }
  [[nodiscard]] const server_state& state() const { return state_; }

 private:
  void rearm(time_point now);
  void on_timer();
  void on_result(std::uint64_t probe_id, probe_result r);
  void apply(probe_result r, time_point now);
  metrics::counter& results_counter(const std::string& kind);

  time_source& time_;
  std::unique_ptr<check_timer> timer_;
  prober& prober_;
  metrics::registry& metrics_;
  check_spec spec_;
  std::string type_;
  log::logger log_;
  schedule schedule_;
  thresholds thresholds_;
  server_state state_;
  listener listener_;
  // Metric children looked up once, not per result (each lookup builds label vectors).
  metrics::histogram& lateness_;
  metrics::histogram& latency_;
  std::vector<std::pair<std::string, metrics::counter*>> results_;
  bool stopped_ = true;
  bool armed_ = false;  // a wait is pending, for armed_for_
  time_point armed_for_{};
};

}  // namespace lbd::healthcheck

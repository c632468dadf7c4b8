// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// When each check runs: a pure per-check schedule (time is passed in), so tests drive it on a fake
// clock. First runs are spread over the interval by a stable hash of the check's key, so 10k checks
// configured at once do not fire in the same millisecond, and a restart spreads them the same way.
// Starts are put on a grid, so that checks falling due close together start in one wake-up.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace lbd::healthcheck {

using clock = std::chrono::steady_clock;
using time_point = clock::time_point;
using duration = std::chrono::nanoseconds;

struct schedule_config {
  duration interval = std::chrono::seconds(2);
  duration timeout = std::chrono::seconds(1);
  // Delay before the next probe after a failed one; zero means "the normal interval".
  duration retry_delay = duration::zero();
  // Extra time the scheduler grants the prober past `timeout` before it gives up on its own, so the
  // prober's precise reason ("connect timeout after 1s") normally wins.
  duration timeout_grace = std::chrono::milliseconds(250);
  // A probe is due at the first multiple of this on the steady clock at or after its exact time
  // (the first run's offset, then one interval after the previous exact time): checks due within
  // one step of the grid share one wake-up of the daemon instead of one each. A wake-up costs
  // far more than a check's system calls in a virtual machine. The cadence stays exact on
  // average; lateness is measured from the grid point. See start_grid_for.
  duration start_grid = std::chrono::milliseconds(10);
  friend bool operator==(const schedule_config&, const schedule_config&) = default;
};

// FNV-1a, 64 bit: stable across runs and platforms (std::hash is not).
std::uint64_t stable_hash(std::string_view text);

// Offset of the first run in [0, interval).
duration first_run_offset(std::uint64_t key_hash, duration interval);

// `t` rounded up to the next multiple of `granularity` on its clock (itself when zero or less).
time_point coalesced_wake(time_point t, duration granularity);

// The start grid for a check of `interval` when all checks together start `checks_per_second`:
// coarse enough that about a hundred checks share a grid point, fine enough that their starts
// take a few milliseconds at most and that the grid is a tenth of the interval or less. One of 1,
// 2, 5, 10, 20, 25, 50 and 100 ms (each divides the next ones' multiples of 100 ms, so checks of
// different grids still meet on the coarse points). 1,000 checks a second: 100 ms; 10,000: 10 ms.
duration start_grid_for(duration interval, double checks_per_second);

class schedule {
 public:
  schedule(schedule_config cfg, time_point now, std::uint64_t key_hash);

  struct started {
    std::uint64_t probe_id;
    time_point deadline;  // when the scheduler gives up on this probe
    duration lateness;    // how late the probe starts against its schedule
  };

  // The timer for next_due() fired. Returns nothing while a probe is in flight: never two at once.
  std::optional<started> start(time_point now);

  // The probe `probe_id` finished. Returns false (and changes nothing) for a stale id, e.g. a
  // result arriving after the scheduler already expired that probe.
  bool finish(std::uint64_t probe_id, time_point now, bool ok);

  // The deadline of the in-flight probe passed without a result: counts as a failure. Returns false
  // when nothing is in flight or the deadline is not reached yet.
  bool expire(time_point now);

  // On the grid: the exact time rounded up.
  [[nodiscard]] time_point next_due() const { return next_due_; }
  // While a probe is in flight: when the next one starts if this one succeeds before then.
  [[nodiscard]] time_point next_due_if_ok() const {
    return coalesced_wake(exact_due_ + cfg_.interval, cfg_.start_grid);
  }
  // Puts the next start, and those after it, on another grid.
  void set_start_grid(duration grid);
  [[nodiscard]] bool in_flight() const { return in_flight_; }
  [[nodiscard]] std::optional<time_point> deadline() const;
  [[nodiscard]] const schedule_config& config() const { return cfg_; }

 private:
  void plan_next(time_point now, bool ok);

  schedule_config cfg_;
  time_point exact_due_;  // the cadence, off the grid
  time_point next_due_;
  time_point started_at_{};
  bool in_flight_ = false;
  std::uint64_t probe_id_ = 0;
};

}  // namespace lbd::healthcheck

// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/scheduler.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>

namespace lbd::healthcheck {

std::uint64_t stable_hash(std::string_view text) {
  std::uint64_t h = 14695981039346656037ULL;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

duration first_run_offset(std::uint64_t key_hash, duration interval) {
  if (interval <= duration::zero()) return duration::zero();
  // Mix the bits once more: FNV's low bits are weak for keys differing only in their last bytes.
  std::uint64_t x = key_hash;
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return duration(static_cast<duration::rep>(x % static_cast<std::uint64_t>(interval.count())));
}

time_point coalesced_wake(time_point t, duration granularity) {
  if (granularity <= duration::zero()) return t;
  const auto since = t.time_since_epoch();
  const auto rest = since % granularity;
  if (rest == duration::zero()) return t;
  // A clock before its epoch has a negative remainder: step to the next multiple either way.
  return t + (rest > duration::zero() ? granularity - rest : -rest);
}

duration start_grid_for(duration interval, double checks_per_second) {
  using std::chrono::milliseconds;
  constexpr double checks_per_wakeup = 100;
  const auto by_rate =
      checks_per_second > 0
          ? std::chrono::duration_cast<duration>(std::chrono::duration<double>(checks_per_wakeup / checks_per_second))
          : duration::max();
  const duration limit = std::min(by_rate, interval / 10);
  constexpr std::array<milliseconds, 8> steps{milliseconds(100), milliseconds(50), milliseconds(25), milliseconds(20),
                                              milliseconds(10),  milliseconds(5),  milliseconds(2),  milliseconds(1)};
  for (const auto step : steps) {
    if (step <= limit) return step;
  }
  return steps.back();
}

schedule::schedule(schedule_config cfg, time_point now, std::uint64_t key_hash)
    : cfg_(cfg),
      exact_due_(now + first_run_offset(key_hash, cfg.interval)),
      next_due_(coalesced_wake(exact_due_, cfg.start_grid)) {
  if (cfg_.interval <= duration::zero() || cfg_.timeout <= duration::zero()) std::abort();
}

std::optional<schedule::started> schedule::start(time_point now) {
  if (in_flight_ || now < next_due_) return std::nullopt;
  in_flight_ = true;
  started_at_ = now;
  ++probe_id_;
  return started{probe_id_, now + cfg_.timeout + cfg_.timeout_grace, now - next_due_};
}

bool schedule::finish(std::uint64_t probe_id, time_point now, bool ok) {
  if (!in_flight_ || probe_id != probe_id_) return false;
  plan_next(now, ok);
  return true;
}

bool schedule::expire(time_point now) {
  const auto d = deadline();
  if (!d || now < *d) return false;
  plan_next(now, false);
  return true;
}

void schedule::set_start_grid(duration grid) {
  cfg_.start_grid = grid;
  next_due_ = coalesced_wake(exact_due_, grid);
}

std::optional<time_point> schedule::deadline() const {
  if (!in_flight_) return std::nullopt;
  return started_at_ + cfg_.timeout + cfg_.timeout_grace;
}

void schedule::plan_next(time_point now, bool ok) {
  in_flight_ = false;
  if (!ok && cfg_.retry_delay > duration::zero()) {
    exact_due_ = now + cfg_.retry_delay;
  } else {
    // Keep the cadence of the original schedule (no drift by probe latency), but never schedule
    // in the past: a probe slower than the interval is followed at once by the next one.
    exact_due_ = std::max(exact_due_ + cfg_.interval, now);
  }
  next_due_ = coalesced_wake(exact_due_, cfg_.start_grid);
}

}  // namespace lbd::healthcheck

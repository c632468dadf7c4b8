// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Dedup of identical checks: subscribers that ask for the same check (same canonical key: target,
// parameters, timing, thresholds) share one running session and all receive its results. The
// last subscription going away stops the check. Everything runs on one io_context thread. The
// registry also sets each check's start grid from the rate of all checks (start_grid_for).
#include <boost/asio/any_io_executor.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "common/metrics.hpp"
#include "healthcheck/check_spec.hpp"
#include "healthcheck/prober.hpp"
#include "healthcheck/session.hpp"

namespace lbd::healthcheck {

using subscriber = std::function<void(const check_event&)>;

class registry {
 public:
  // A subscription keeps its check running; destroying (or reset()) it unsubscribes. It must not
  // outlive the registry.
  class subscription {
   public:
    subscription() = default;
    subscription(subscription&& o) noexcept { *this = std::move(o); }
    subscription& operator=(subscription&& o) noexcept;
    subscription(const subscription&) = delete;
    subscription& operator=(const subscription&) = delete;
    ~subscription() { reset(); }
    void reset();
    [[nodiscard]] const std::string& key() const { return key_; }
    // The shared state of the check (valid while subscribed).
    [[nodiscard]] const server_state& state() const;

   private:
    friend class registry;
    subscription(registry* r, std::string key, std::uint64_t id) : registry_(r), key_(std::move(key)), id_(id) {}
    registry* registry_ = nullptr;
    std::string key_;
    std::uint64_t id_ = 0;
  };

  // The checks' clock and timers come from `time` (steady_time() in the daemon, fake_time in tests),
  // which must outlive the registry.
  registry(boost::asio::any_io_executor ex, prober& p, metrics::registry& m, time_source& time = steady_time());
  registry(const registry&) = delete;
  registry& operator=(const registry&) = delete;
  ~registry();

  [[nodiscard]] subscription subscribe(const check_spec& spec, subscriber s);

  [[nodiscard]] std::size_t running_checks() const { return checks_.size(); }
  [[nodiscard]] std::size_t subscribers(const std::string& key) const;
  [[nodiscard]] const server_state* find(const std::string& key) const;
  // Calls f(spec, state) for every running check, in key order (lbctl, metrics).
  void for_each(const std::function<void(const check_spec&, const server_state&)>& f) const;

 private:
  struct entry {
    std::shared_ptr<check_session> session;
    // shared_ptr: a subscriber being called stays alive if it unsubscribes itself.
    std::map<std::uint64_t, std::shared_ptr<subscriber>> subscribers;
  };
  void unsubscribe(const std::string& key, std::uint64_t id);
  // `e` is the entry of the check that produced the event (a map node: its address is stable).
  void dispatch(entry& en, const check_event& e);
  void update_gauge();
  static double per_second(const check_spec& spec);
  // Moves every check to the start grid of the current total rate, when that changed.
  void regrid();

  boost::asio::any_io_executor ex_;
  prober& prober_;
  metrics::registry& metrics_;
  time_source& time_;
  std::map<std::string, entry> checks_;
  std::uint64_t next_id_ = 1;
  double checks_per_second_ = 0;
  duration grid_by_rate_{};
};

}  // namespace lbd::healthcheck

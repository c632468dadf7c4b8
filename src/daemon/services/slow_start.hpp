// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Slow start (lbd.conf(5), "Slow start"): a real server that returns to service (its checks pass
// again, an operator enables it, a reload adds it, an agent lets it back in) gets a share of its
// weight that climbs from 10% to 100% over its window, once a second, so a cold cache or a JIT
// warming up is not handed its full share of new connections at once. Pure: the runtime feeds each
// reconcile pass's desired table in and programs the weights that come out.
//
// Not at start-up: a server lbd finds serving, or that passes its first check on a cold start, takes
// its full weight (as in HAProxy, a ramp follows a failure). A server out of a service lbd adopted
// from the kernel was out before the restart, and ramps when it returns.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/model.hpp"
#include "daemon/services/overrides.hpp"
#include "healthcheck/time_source.hpp"
#include "ipvs/desired.hpp"

namespace lbd::daemon {

struct ramp {
  healthcheck::time_point since{};
  healthcheck::duration window{};
  friend bool operator==(const ramp&, const ramp&) = default;
};

struct ramp_event {
  enum class kind { started, finished, cancelled };
  kind what = kind::started;
  server_ref server;
  ramp r;
};
std::string_view to_string(ramp_event::kind k);  // "started", "finished", "cancelled"

// The share of the weight a ramp gives at `now`, in thousandths: 100 (10%) at its start, rising
// by equal steps once a second, 1000 after the last (a window of whole seconds ends on time; a
// fraction of a second left over makes one more step).
unsigned ramp_permille(const ramp& r, healthcheck::time_point now);
// `weight` at that share: at least 1 while the server serves (0 would drain it).
std::uint32_t ramped_weight(std::uint32_t weight, unsigned permille);

class slow_starts {
 public:
  // One reconcile pass, before its weights are scaled. `want`: the desired table as the checks, the
  // agents and the overrides make it; a server serves when it has a weight above zero there.
  // `adopted`: the services the kernel held when lbd started (their servers out then were out
  // before). Returns the ramps that started, finished or were cut short (the server left).
  std::vector<ramp_event> observe(const config::config& cfg, const ipvs::desired_state& want,
                                  const std::set<std::string>& adopted, healthcheck::time_point now);
  // Scales the weights of the ramping servers in every entry point of their service.
  void scale(const config::config& cfg, ipvs::desired_state& want, healthcheck::time_point now) const;
  // When the next step of some ramp is due after `now` (the last step ends it); none: nothing ramps.
  [[nodiscard]] std::optional<healthcheck::time_point> next_step(healthcheck::time_point now) const;
  [[nodiscard]] const std::map<server_ref, ramp>& ramps() const { return ramps_; }
  [[nodiscard]] const ramp* find(const server_ref& s) const;
  // The real servers whose last state it keeps: none while no server has a window.
  [[nodiscard]] std::size_t servers_seen() const { return seen_.size(); }
  // Ramps under way before a restart (the state file), taken up by the first observe() for the
  // servers serving by then, and by a later one for a server that returns before its ramp would
  // have ended (kept by the wall clock: the time lbd was down counts).
  void restore(std::map<server_ref, ramp> kept) { ramps_ = std::move(kept); }

 private:
  enum class seen { serving, out, cold };
  std::map<server_ref, seen> seen_;
  std::map<server_ref, ramp> ramps_;
  std::map<server_ref, ramp> resuming_;  // restored, for servers not serving yet
  bool started_ = false;
  // Started, but the last pass kept no state (no window anywhere): the next one with a window takes
  // the servers serving then as serving, and those out as out.
  bool untracked_ = false;
};

}  // namespace lbd::daemon

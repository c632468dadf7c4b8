// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// read -> plan -> apply: the one writer of lbd's IPVS state (table, timeouts, sync daemons). It owns
// the drain tracker, so a destination leaving a draining service stays at weight 0 until idle or
// timed out. Each change is logged once (notice, or err when the kernel refused it) and counted:
// lbd_ipvs_operations_total{op}, lbd_ipvs_errors_total{op,error}, lbd_ipvs_drain_events_total{event}.
#include <optional>
#include <vector>

#include "common/log.hpp"
#include "common/metrics.hpp"
#include "ipvs/backend.hpp"
#include "ipvs/desired.hpp"
#include "ipvs/drain.hpp"

namespace lbd::ipvs {

class reconciler {
 public:
  using clock = drain_tracker::clock;
  reconciler(backend& b, metrics::registry& m, log::logger l = log::logger("ipvs"),
             std::chrono::nanoseconds drain_timeout = std::chrono::minutes(5));

  struct outcome {
    std::vector<op> ops;
    std::vector<op_result> results;  // one per op
    std::size_t errors = 0;
    kernel_state kernel;  // as read, then patched with the operations that succeeded
    table programmed;     // the desired table with the destinations still draining (weight 0)
  };

  // What the plan for (desired, owned) needs to know of the kernel: the table when lbd owns some
  // service, the timeouts when some are wanted, the daemons when lbd owns them.
  result<kernel_state, ipvs_error> read(const desired_state& desired, const owned_state& owned);
  // Brings what lbd owns in the kernel to `desired`. `fresh`: a state just read (saves a read). An
  // error means the kernel could not be read (nothing was changed); per-operation failures are in
  // the outcome. Owning no service, it reads and changes only the timeouts and sync daemons (no
  // dump; `programmed` and `kernel.services` are then empty).
  result<outcome, ipvs_error> reconcile(const desired_state& desired, const owned_state& owned,
                                        std::optional<kernel_state> fresh = std::nullopt,
                                        clock::time_point now = clock::now());
  // The table alone, without draining (lbd-ipvs, tests).
  result<outcome, ipvs_error> reconcile(const table& desired, const ownership& owned);
  // Applies a precomputed plan, each operation done logged at `done` (a slow start's steps, one a
  // second per server, at info) and each refused at err.
  outcome apply(std::vector<op> ops, log::level done = log::level::notice);

  // A new drain timeout forgets the destinations being drained (they drain again from now).
  void set_drain_timeout(std::chrono::nanoseconds t) { tracker_ = drain_tracker(t); }
  [[nodiscard]] const drain_tracker& drains() const { return tracker_; }

 private:
  void count_read_error(const ipvs_error& e);

  backend& backend_;
  metrics::registry& metrics_;
  log::logger log_;
  drain_tracker tracker_;
};

}  // namespace lbd::ipvs

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
    // The services this pass read and planned (reconcile_scope); none: every service lbd owns.
    std::optional<ownership> scope;
  };

  // What the plan for (desired, owned) needs to know of the kernel: the table when lbd owns some
  // service, the timeouts when some are wanted, the daemons when lbd owns them.
  result<kernel_state, ipvs_error> read(const desired_state& desired, const owned_state& owned);
  // Brings what lbd owns in the kernel to `desired`. `fresh`: a state just read (saves a read). An
  // error means the kernel could not be read (nothing was changed); per-operation failures are in
  // the outcome. Owning no service, it reads and changes only the timeouts and sync daemons (no
  // dump; `kernel.services` is then empty).
  result<outcome, ipvs_error> reconcile(const desired_state& desired, const owned_state& owned,
                                        std::optional<kernel_state> fresh = std::nullopt,
                                        clock::time_point now = clock::now());
  // A pass over the services of `scope` only (those lbd owns): it reads them alone from the kernel
  // (a few round trips, not a dump of the whole table), plans and writes them, and moves only their
  // drains; the timeouts and sync daemons as above. What changes between two full passes (a health
  // change, a reload, an override) touches a few services: the periodic full pass repairs the rest.
  // The outcome's tables hold the scope's services only.
  result<outcome, ipvs_error> reconcile_scope(const desired_state& desired, const owned_state& owned,
                                              const ownership& scope, clock::time_point now = clock::now());
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
  void note(const drain_event& e);  // logged and counted
  // The timeouts and sync daemons into `k`, when the plan needs them.
  status<ipvs_error> read_settings(const desired_state& desired, const owned_state& owned, kernel_state& k);
  // Drains, plan, apply, on a state read; `within`: the services a scoped pass covers.
  outcome settle(kernel_state kernel, const desired_state& desired, const owned_state& owned, clock::time_point now,
                 const ownership* within);

  backend& backend_;
  metrics::registry& metrics_;
  log::logger log_;
  drain_tracker tracker_;
};

}  // namespace lbd::ipvs

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// snapshot -> plan -> apply. Each change is logged once (notice, or err when the kernel refused it)
// and counted: lbd_ipvs_operations_total{op}, lbd_ipvs_errors_total{op,error}.
#include <vector>

#include "common/log.hpp"
#include "common/metrics.hpp"
#include "ipvs/backend.hpp"
#include "ipvs/drain.hpp"

namespace lbd::ipvs {

class reconciler {
 public:
  reconciler(backend& b, metrics::registry& m, log::logger l = log::logger("ipvs"));

  struct outcome {
    std::vector<op> ops;
    std::vector<op_result> results;  // one per op
    std::size_t errors = 0;
    table kernel;  // the snapshot the plan was made from
  };

  // Brings the owned part of the kernel table to `desired`. An error here means the snapshot could
  // not be read (nothing was changed); per-operation failures are in the outcome.
  result<outcome, ipvs_error> reconcile(const table& desired, const ownership& owned);
  // The same, with destinations leaving services in `drained` kept at weight 0 by `tracker` until
  // they are idle or their drain timeout passes. Drain transitions are logged and counted
  // (lbd_ipvs_drain_events_total{event}).
  result<outcome, ipvs_error> reconcile(const table& desired, const ownership& owned, drain_tracker& tracker,
                                        const ownership& drained, drain_tracker::clock::time_point now);
  // Applies a precomputed plan (e.g. after the drain tracker adjusted the desired table).
  outcome apply(std::vector<op> ops);

 private:
  backend& backend_;
  metrics::registry& metrics_;
  log::logger log_;
};

}  // namespace lbd::ipvs

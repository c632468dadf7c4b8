// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The narrow asynchronous interface every check type implements, so the scheduler and tests can
// substitute a fake. A prober must call the handler exactly once, on the io_context's thread, and
// within the timeout it is given (it enforces the timeout itself, with a precise reason).
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "common/address.hpp"
#include "healthcheck/check_spec.hpp"

namespace lbd::healthcheck {

struct probe_result {
  bool ok = false;
  // Short class of the outcome, the `result` label of lbd_check_results_total: "ok", "timeout",
  // "refused", "reset", "status", "body", "tls", "malformed", "exit", "error".
  std::string kind;
  std::string reason;  // for humans: "HTTP 503 from 10.0.1.11:8080"
  std::chrono::nanoseconds latency{0};
  std::optional<unsigned> weight;  // dynamic weight reported by the check, if any
  // The check gives the server its configured weight back (keepalived's misc_dynamic exit 0).
  bool configured_weight = false;
};

inline probe_result probe_ok(std::string reason, std::chrono::nanoseconds latency) {
  return probe_result{true, "ok", std::move(reason), latency, std::nullopt, false};
}
inline probe_result probe_fail(std::string kind, std::string reason, std::chrono::nanoseconds latency) {
  return probe_result{false, std::move(kind), std::move(reason), latency, std::nullopt, false};
}

using probe_handler = std::function<void(probe_result)>;

class prober {
 public:
  virtual ~prober() = default;
  virtual void async_probe(const endpoint& target, const check_params& params, duration timeout,
                           probe_handler handler) = 0;
};

}  // namespace lbd::healthcheck

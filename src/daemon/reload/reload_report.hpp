// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What a reload did, for the journal, `lbctl status` and `lbctl reload`, rendered from its plan
// (reload_plan.hpp) and the figures of applying it. Pure.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "daemon/reload/reload_plan.hpp"
#include "status/answers.hpp"

namespace lbd::daemon {

struct reload_report {
  // ok; partial: the new config runs but some of it could not be applied (see errors); refused:
  // the file has errors and the previous config keeps running.
  api::reload_result result = api::reload_result::refused;
  std::string trigger;  // "SIGHUP" or "lbctl"
  std::string file;
  std::chrono::system_clock::time_point at;
  std::vector<std::string> errors;  // "file:line:col: error: ..." when refused
  std::size_t warnings = 0;
  double duration_ms = 0;
  double load_ms = 0;      // reading, parsing and validating the file
  double services_ms = 0;  // service_runtime::apply: checks, plan, the reconcile pass (0: refused)
  std::size_t ipvs_ops = 0;
  std::size_t ipvs_errors = 0;
  std::optional<reload_plan> plan;  // none: refused

  [[nodiscard]] bool ok() const { return result == api::reload_result::ok; }
};

// The plan's summary (reload_plan.hpp), or why the file was refused.
std::string summary(const reload_report& r);

// The one journal line of a reload: "reload ok: <summary>; VRRP restarted: db; VRRP in place:
// web (notify); 3 IPVS operation(s) (0 failed), 4.2 ms".
std::string journal_line(const reload_report& r);

// The report as the control protocol sends it; "changes" is the plan (reload_plan.hpp).
api::reload_report to_answer(const reload_report& r);

}  // namespace lbd::daemon

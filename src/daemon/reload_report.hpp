// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What a reload did, for the journal, `lbctl status` and `lbctl reload`. Pure.
#include <chrono>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/diff.hpp"

namespace lbd::daemon {

struct reload_report {
  bool ok = false;
  // "ok"; "partial": the new config runs but some of it could not be applied (see errors);
  // "refused": the file has errors and the previous config keeps running.
  std::string result = "refused";
  std::string trigger;  // "SIGHUP" or "lbctl"
  std::string file;
  std::chrono::system_clock::time_point at;
  std::vector<std::string> errors;  // "file:line:col: error: ..." when refused
  std::size_t warnings = 0;
  double duration_ms = 0;
  std::size_t ipvs_ops = 0;
  std::size_t ipvs_errors = 0;
  std::vector<std::string> vrrp_restarted;  // instances whose settings changed
  std::string summary;
};

// One line naming what changed: "vrrp ~web; virtual_server +smtp; real_server +http/10.0.1.14:8080",
// or "no change".
std::string summarize(const config::config_diff& d);
// Instances the reload restarts: changed ones (added ones start, removed ones stop).
std::vector<std::string> restarted_instances(const config::config_diff& d);

nlohmann::json to_json(const reload_report& r);

}  // namespace lbd::daemon

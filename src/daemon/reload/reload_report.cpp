// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/reload/reload_report.hpp"

#include <fmt/format.h>

#include "common/time_format.hpp"

namespace lbd::daemon {
namespace {

std::vector<std::string> names(const std::vector<vrrp_instance_change>& v) {
  std::vector<std::string> out;
  out.reserve(v.size());
  for (const auto& c : v) out.push_back(c.name);
  return out;
}

}  // namespace

std::string summary(const reload_report& r) {
  if (r.plan) return summarize(*r.plan);
  return fmt::format("refused: {} error(s); the running configuration is unchanged", r.errors.size());
}

std::string journal_line(const reload_report& r) {
  if (!r.plan) {
    return fmt::format("reload refused: {} error(s) in {}; still running the previous configuration", r.errors.size(),
                       r.file);
  }
  std::string out = fmt::format("reload {}: {}", r.result, summarize(*r.plan));
  if (!r.plan->vrrp.restart.empty())
    out += fmt::format("; VRRP restarted: {}", fmt::join(names(r.plan->vrrp.restart), " "));
  if (!r.plan->vrrp.update.empty()) {
    std::vector<std::string> items;
    for (const auto& u : r.plan->vrrp.update)
      items.push_back(fmt::format("{} ({})", u.name, fmt::join(u.settings, ",")));
    out += fmt::format("; VRRP in place: {}", fmt::join(items, " "));
  }
  out += fmt::format("; {} IPVS operation(s) ({} failed), {:.1f} ms", r.ipvs_ops, r.ipvs_errors, r.duration_ms);
  return out;
}

nlohmann::json to_json(const reload_report& r) {
  const std::vector<std::string> none;
  return {{"ok", r.ok},
          {"result", r.result},
          {"trigger", r.trigger},
          {"file", r.file},
          {"at", rfc3339(r.at)},
          {"errors", r.errors},
          {"warnings", r.warnings},
          {"duration_ms", r.duration_ms},
          {"ipvs_ops", r.ipvs_ops},
          {"ipvs_errors", r.ipvs_errors},
          {"vrrp_restarted", r.plan ? names(r.plan->vrrp.restart) : none},
          {"vrrp_updated", r.plan ? names(r.plan->vrrp.update) : none},
          {"summary", summary(r)},
          {"changes", r.plan ? to_json(*r.plan) : nlohmann::json(nullptr)}};
}

}  // namespace lbd::daemon

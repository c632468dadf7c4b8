// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/reload/reload_report.hpp"

#include <fmt/format.h>

#include "config/diff.hpp"

namespace lbd::daemon {
namespace {

std::vector<std::string> names(const std::vector<vrrp_instance_change>& v) {
  std::vector<std::string> out;
  out.reserve(v.size());
  for (const auto& c : v) out.push_back(c.name);
  return out;
}

std::vector<api::named_change> changes_of(const std::vector<vrrp_instance_change>& v) {
  std::vector<api::named_change> out;
  out.reserve(v.size());
  for (const auto& c : v) out.push_back({c.name, c.settings});
  return out;
}

api::reload_changes changes_of(const reload_plan& p) {
  api::reload_changes c;
  c.vrrp_start = p.vrrp.start;
  c.vrrp_stop = p.vrrp.stop;
  c.vrrp_restart = changes_of(p.vrrp.restart);
  c.vrrp_update = changes_of(p.vrrp.update);
  c.services_added = p.services.added;
  c.services_removed = p.services.removed;
  for (const auto& ch : p.services.changed) c.services_changed.push_back({ch.name, ch.fields});
  c.services_recreated = p.services.recreated;
  for (const auto& ch : p.services.real_servers) {
    c.real_servers.push_back({std::string(config::to_string(ch.kind)), ch.service, to_string(ch.address), ch.fields});
  }
  c.hooks_only = p.services.hooks_only;
  c.global_changed = p.diff.global;
  for (const auto& k : p.diff.ipvs) c.global_changed.push_back("ipvs." + k);
  if (p.globals.control_socket) c.global_deferred.emplace_back("control_socket");
  return c;
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
  std::string out = fmt::format("reload {}: {}", api::to_string(r.result), summarize(*r.plan));
  if (!r.plan->vrrp.restart.empty())
    out += fmt::format("; VRRP restarted: {}", fmt::join(names(r.plan->vrrp.restart), " "));
  if (!r.plan->vrrp.update.empty()) {
    std::vector<std::string> items;
    for (const auto& u : r.plan->vrrp.update)
      items.push_back(fmt::format("{} ({})", u.name, fmt::join(u.settings, ",")));
    out += fmt::format("; VRRP in place: {}", fmt::join(items, " "));
  }
  out += fmt::format("; {} IPVS operation(s) ({} failed), {:.1f} ms (load {:.1f} ms, services {:.1f} ms)", r.ipvs_ops,
                     r.ipvs_errors, r.duration_ms, r.load_ms, r.services_ms);
  return out;
}

api::reload_report to_answer(const reload_report& r) {
  api::reload_report out;
  out.result = r.result;
  out.trigger = r.trigger;
  out.file = r.file;
  out.at = r.at;
  out.errors = r.errors;
  out.warnings = r.warnings;
  out.duration_ms = r.duration_ms;
  out.load_ms = r.load_ms;
  if (r.plan) out.services_ms = r.services_ms;
  out.ipvs_ops = r.ipvs_ops;
  out.ipvs_errors = r.ipvs_errors;
  out.summary = summary(r);
  if (r.plan) {
    out.vrrp_restarted = names(r.plan->vrrp.restart);
    out.vrrp_updated = names(r.plan->vrrp.update);
    out.changes = changes_of(*r.plan);
  }
  return out;
}

}  // namespace lbd::daemon

// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/reload_report.hpp"

#include <fmt/format.h>

#include "common/time_format.hpp"

namespace lbd::daemon {
namespace {

char sign(config::change_kind k) {
  switch (k) {
    case config::change_kind::added: return '+';
    case config::change_kind::removed: return '-';
    case config::change_kind::changed: break;
  }
  return '~';
}

void add_part(std::string& out, std::string_view what, const std::vector<std::string>& items) {
  if (items.empty()) return;
  if (!out.empty()) out += "; ";
  out += fmt::format("{} {}", what, fmt::join(items, " "));
}

}  // namespace

std::string summarize(const config::config_diff& d) {
  if (d.empty()) return "no change";
  std::string out;
  add_part(out, "global", d.global);
  add_part(out, "ipvs", d.ipvs);
  std::vector<std::string> items;
  for (const auto& c : d.vrrp) items.push_back(fmt::format("{}{}", sign(c.kind), c.name));
  add_part(out, "vrrp", items);
  items.clear();
  for (const auto& c : d.virtual_servers) items.push_back(fmt::format("{}{}", sign(c.kind), c.name));
  add_part(out, "virtual_server", items);
  items.clear();
  for (const auto& c : d.real_servers)
    items.push_back(fmt::format("{}{}/{}", sign(c.kind), c.service, to_string(c.address)));
  add_part(out, "real_server", items);
  return out;
}

std::vector<std::string> restarted_instances(const config::config_diff& d) {
  std::vector<std::string> out;
  for (const auto& c : d.vrrp)
    if (c.kind == config::change_kind::changed) out.push_back(c.name);
  return out;
}

nlohmann::json to_json(const reload_report& r) {
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
          {"vrrp_restarted", r.vrrp_restarted},
          {"summary", r.summary}};
}

}  // namespace lbd::daemon

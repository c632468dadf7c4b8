// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/vrrp/vrrp_reload.hpp"

#include <algorithm>
#include <map>

namespace lbd::daemon {
namespace {

bool named(const std::vector<vrrp_instance_change>& v, std::string_view name) {
  return std::any_of(v.begin(), v.end(), [&](const vrrp_instance_change& c) { return c.name == name; });
}

}  // namespace

bool vrrp_reload_plan::restarts(std::string_view name) const { return named(restart, name); }

bool vrrp_reload_plan::stops(std::string_view name) const {
  return std::find(stop.begin(), stop.end(), name) != stop.end();
}

std::vector<std::string> vrrp_reload_plan::started_or_restarted() const {
  std::vector<std::string> out = start;
  for (const auto& r : restart) out.push_back(r.name);
  return out;
}

bool changes_in_place(std::string_view setting) {
  return setting == "notify" || setting == "sync_group" || setting == "virtual_routes" || setting == "virtual_rules";
}

vrrp_reload_plan plan_vrrp_reload(const std::vector<config::change>& changes,
                                  const std::vector<config::vrrp_instance>& next) {
  std::map<std::string_view, const config::change*> by_name;
  for (const auto& c : changes) by_name.emplace(c.name, &c);
  vrrp_reload_plan p;
  for (const auto& v : next) {
    const auto it = by_name.find(v.name);
    if (it == by_name.end()) {
      p.keep.push_back(v.name);
      continue;
    }
    const auto& c = *it->second;
    if (c.kind == config::change_kind::added) {
      p.start.push_back(v.name);
    } else if (std::all_of(c.fields.begin(), c.fields.end(),
                           [](const std::string& f) { return changes_in_place(f); })) {
      p.update.push_back({v.name, c.fields});
    } else {
      p.restart.push_back({v.name, c.fields});
    }
  }
  for (const auto& c : changes) {
    if (c.kind == config::change_kind::removed) p.stop.push_back(c.name);
  }
  return p;
}

}  // namespace lbd::daemon

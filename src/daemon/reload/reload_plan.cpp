// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/reload/reload_plan.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace lbd::daemon {
namespace {

bool has(const std::vector<std::string>& v, std::string_view x) { return std::find(v.begin(), v.end(), x) != v.end(); }

// A quorum whose thresholds are unchanged: only its up/down hooks differ.
bool quorum_hooks_only(const config::virtual_server* a, const config::virtual_server* b) {
  if (a == nullptr || b == nullptr || !a->quorum || !b->quorum) return false;
  return a->quorum->min_weight == b->quorum->min_weight && a->quorum->hysteresis == b->quorum->hysteresis;
}

// A group that keeps one of its entry points is changed, not re-created: the entry points it keeps
// stay in IPVS with their connections.
bool shares_an_entry_point(const config::virtual_server* a, const config::virtual_server* b) {
  if (a == nullptr || b == nullptr) return false;
  const auto before = config::entry_points(*a);
  const auto after = config::entry_points(*b);
  return std::any_of(after.begin(), after.end(),
                     [&](const std::string& e) { return std::find(before.begin(), before.end(), e) != before.end(); });
}

service_reload_plan plan_services(const config::config_diff& d, const config::config& running,
                                  const config::config& next) {
  service_reload_plan p;
  bool hooks = true;
  for (const auto& c : d.virtual_servers) {
    switch (c.kind) {
      case config::change_kind::added:
        p.added.push_back(c.name);
        hooks = false;
        break;
      case config::change_kind::removed:
        p.removed.push_back(c.name);
        hooks = false;
        break;
      case config::change_kind::changed:
        p.changed.push_back(c);
        if (config::changes_service_key(c) &&
            !shares_an_entry_point(running.find_virtual_server(c.name), next.find_virtual_server(c.name))) {
          p.recreated.push_back(c.name);
        }
        for (const auto& f : c.fields) {
          if (f != "quorum" ||
              !quorum_hooks_only(running.find_virtual_server(c.name), next.find_virtual_server(c.name)))
            hooks = false;
        }
        break;
    }
  }
  for (const auto& c : d.real_servers) {
    p.real_servers.push_back(c);
    if (c.kind != config::change_kind::changed || c.fields != std::vector<std::string>{"notify"}) hooks = false;
  }
  p.hooks_only = hooks && !p.empty();
  return p;
}

global_reload_plan plan_globals(const config::config_diff& d) {
  global_reload_plan g;
  for (const auto& k : d.global) {
    if (k == "log_level") {
      g.log_level = true;
    } else if (k == "vrrp_realtime_priority" || k == "lock_memory" || k == "script_security" || k == "script_user" ||
               k == "script_group") {
      g.process_tuning = true;
    } else if (k == "metrics_listen") {
      g.metrics_listen = true;
    } else if (k == "control_socket") {
      g.control_socket = true;
    } else {
      g.other.push_back(k);
    }
  }
  g.ipvs_timeouts = has(d.ipvs, "timeouts");
  g.sync_daemon = has(d.ipvs, "sync_daemon");
  return g;
}

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

nlohmann::json instance_changes(const std::vector<vrrp_instance_change>& v) {
  auto out = nlohmann::json::array();
  for (const auto& c : v) out.push_back({{"name", c.name}, {"settings", c.settings}});
  return out;
}

}  // namespace

reload_plan plan_reload(const config::config& running, const config::config& next) {
  reload_plan p;
  p.diff = config::diff(running, next);
  p.vrrp = plan_vrrp_reload(p.diff.vrrp, next.vrrp);
  p.services = plan_services(p.diff, running, next);
  p.globals = plan_globals(p.diff);
  return p;
}

std::string summarize(const reload_plan& p) {
  const auto& d = p.diff;
  if (d.empty()) return "no change";
  std::string out;
  add_part(out, "global", d.global);
  add_part(out, "ipvs", d.ipvs);
  // The VRRP part says what the runtime does with each instance, in the diff's order.
  std::vector<std::string> items;
  for (const auto& c : d.vrrp) {
    if (c.kind != config::change_kind::changed) {
      items.push_back(fmt::format("{}{}", sign(c.kind), c.name));
    } else {
      items.push_back(fmt::format("~{}({}: {})", c.name, p.vrrp.restarts(c.name) ? "restart" : "in place",
                                  fmt::join(c.fields, ",")));
    }
  }
  add_part(out, "vrrp", items);
  items.clear();
  for (const auto& c : d.sync_groups) items.push_back(fmt::format("{}{}", sign(c.kind), c.name));
  add_part(out, "sync_group", items);
  items.clear();
  for (const auto& c : d.anycast) {
    items.push_back(c.fields.empty() ? fmt::format("{}{}", sign(c.kind), c.name)
                                     : fmt::format("~{}({})", c.name, fmt::join(c.fields, ",")));
  }
  add_part(out, "anycast", items);
  items.clear();
  for (const auto& c : d.virtual_servers) items.push_back(fmt::format("{}{}", sign(c.kind), c.name));
  add_part(out, "virtual_server", items);
  items.clear();
  for (const auto& c : d.real_servers) {
    items.push_back(c.fields.empty() ? fmt::format("{}{}/{}", sign(c.kind), c.service, to_string(c.address))
                                     : fmt::format("{}{}/{}({})", sign(c.kind), c.service, to_string(c.address),
                                                   fmt::join(c.fields, ",")));
  }
  add_part(out, "real_server", items);
  return out;
}

nlohmann::json to_json(const reload_plan& p) {
  auto changed = nlohmann::json::array();
  for (const auto& c : p.services.changed) changed.push_back({{"name", c.name}, {"fields", c.fields}});
  auto real_servers = nlohmann::json::array();
  for (const auto& c : p.services.real_servers) {
    real_servers.push_back({{"change", std::string(config::to_string(c.kind))},
                            {"service", c.service},
                            {"address", to_string(c.address)},
                            {"fields", c.fields}});
  }
  std::vector<std::string> global_changed = p.diff.global;
  for (const auto& k : p.diff.ipvs) global_changed.push_back("ipvs." + k);
  std::vector<std::string> groups;  // their hooks take effect at once, nothing moves
  for (const auto& c : p.diff.sync_groups) groups.push_back(c.name);
  auto anycast = nlohmann::json::array();
  for (const auto& c : p.diff.anycast) {
    anycast.push_back({{"change", std::string(config::to_string(c.kind))}, {"name", c.name}, {"fields", c.fields}});
  }
  std::vector<std::string> deferred;
  if (p.globals.control_socket) deferred.emplace_back("control_socket");
  return {{"vrrp",
           {{"start", p.vrrp.start},
            {"stop", p.vrrp.stop},
            {"restart", instance_changes(p.vrrp.restart)},
            {"update", instance_changes(p.vrrp.update)},
            {"sync_groups", groups}}},
          {"services",
           {{"added", p.services.added},
            {"removed", p.services.removed},
            {"changed", changed},
            {"recreated", p.services.recreated},
            {"real_servers", real_servers},
            {"hooks_only", p.services.hooks_only}}},
          {"anycast", anycast},
          {"global", {{"changed", global_changed}, {"deferred", deferred}}}};
}

}  // namespace lbd::daemon

// SPDX-License-Identifier: GPL-2.0-or-later
// Reload reports and the overall status on the wire.
#include "status/answers.hpp"
#include "status/json_fields.hpp"

namespace lbd::api {

using detail::get_to;
using detail::nullable;

namespace {

nlohmann::json named(const std::vector<named_change>& v, const char* list) {
  auto out = nlohmann::json::array();
  for (const auto& c : v) out.push_back({{"name", c.name}, {list, c.fields}});
  return out;
}

std::vector<named_change> named_from(const nlohmann::json& j, const char* key, const char* list) {
  std::vector<named_change> out;
  for (const auto& item : detail::get<nlohmann::json>(j, key)) {
    named_change c;
    get_to(item, "name", c.name);
    get_to(item, list, c.fields);
    out.push_back(std::move(c));
  }
  return out;
}

nlohmann::json section(const nlohmann::json& j, const char* key) {
  auto s = detail::get<nlohmann::json>(j, key);
  if (!s.is_object()) throw contract_error(std::string("\"") + key + "\" must be an object");
  return s;
}

}  // namespace

void to_json(nlohmann::json& j, const reload_changes& v) {
  auto real_servers = nlohmann::json::array();
  for (const auto& c : v.real_servers) {
    real_servers.push_back(
        {{"change", c.change}, {"service", c.service}, {"address", c.address}, {"fields", c.fields}});
  }
  j = {{"vrrp",
        {{"start", v.vrrp_start},
         {"stop", v.vrrp_stop},
         {"restart", named(v.vrrp_restart, "settings")},
         {"update", named(v.vrrp_update, "settings")}}},
       {"services",
        {{"added", v.services_added},
         {"removed", v.services_removed},
         {"changed", named(v.services_changed, "fields")},
         {"recreated", v.services_recreated},
         {"real_servers", real_servers},
         {"hooks_only", v.hooks_only}}},
       {"global", {{"changed", v.global_changed}, {"deferred", v.global_deferred}}}};
}

void from_json(const nlohmann::json& j, reload_changes& v) {
  const auto vrrp = section(j, "vrrp");
  get_to(vrrp, "start", v.vrrp_start);
  get_to(vrrp, "stop", v.vrrp_stop);
  v.vrrp_restart = named_from(vrrp, "restart", "settings");
  v.vrrp_update = named_from(vrrp, "update", "settings");
  const auto services = section(j, "services");
  get_to(services, "added", v.services_added);
  get_to(services, "removed", v.services_removed);
  v.services_changed = named_from(services, "changed", "fields");
  get_to(services, "recreated", v.services_recreated);
  v.real_servers.clear();
  for (const auto& item : detail::get<nlohmann::json>(services, "real_servers")) {
    real_server_change c;
    get_to(item, "change", c.change);
    get_to(item, "service", c.service);
    get_to(item, "address", c.address);
    get_to(item, "fields", c.fields);
    v.real_servers.push_back(std::move(c));
  }
  get_to(services, "hooks_only", v.hooks_only);
  const auto global = section(j, "global");
  get_to(global, "changed", v.global_changed);
  get_to(global, "deferred", v.global_deferred);
}

void to_json(nlohmann::json& j, const reload_report& v) {
  j = {{"ok", v.ok()},
       {"result", v.result},
       {"trigger", v.trigger},
       {"file", v.file},
       {"at", rfc3339(v.at)},
       {"errors", v.errors},
       {"warnings", v.warnings},
       {"duration_ms", v.duration_ms},
       {"load_ms", nullable(v.load_ms)},
       {"services_ms", nullable(v.services_ms)},
       {"ipvs_ops", v.ipvs_ops},
       {"ipvs_errors", v.ipvs_errors},
       {"vrrp_restarted", v.vrrp_restarted},
       {"vrrp_updated", v.vrrp_updated},
       {"summary", v.summary},
       {"changes", nullable(v.changes)}};
}

void from_json(const nlohmann::json& j, reload_report& v) {
  get_to(j, "result", v.result);
  // "ok" repeats the result for readers that want one flag; a report contradicting itself is broken.
  if (detail::get<bool>(j, "ok") != v.ok()) throw contract_error("\"ok\" contradicts \"result\"");
  get_to(j, "trigger", v.trigger);
  get_to(j, "file", v.file);
  v.at = detail::parse_time(j, "at");
  get_to(j, "errors", v.errors);
  get_to(j, "warnings", v.warnings);
  get_to(j, "duration_ms", v.duration_ms);
  get_to(j, "load_ms", v.load_ms);
  get_to(j, "services_ms", v.services_ms);
  get_to(j, "ipvs_ops", v.ipvs_ops);
  get_to(j, "ipvs_errors", v.ipvs_errors);
  get_to(j, "vrrp_restarted", v.vrrp_restarted);
  get_to(j, "vrrp_updated", v.vrrp_updated);
  get_to(j, "summary", v.summary);
  get_to(j, "changes", v.changes);
}

void to_json(nlohmann::json& j, const daemon_status& v) {
  j = {
      {"node", v.node},         {"config_file", v.config_file}, {"started_at", rfc3339(v.started_at)}, {"vrrp", v.vrrp},
      {"services", v.services}, {"anycast", v.anycast},         {"reload", nullable(v.reload)}};
}

void from_json(const nlohmann::json& j, daemon_status& v) {
  get_to(j, "node", v.node);
  get_to(j, "config_file", v.config_file);
  v.started_at = detail::parse_time(j, "started_at");
  get_to(j, "vrrp", v.vrrp);
  get_to(j, "services", v.services);
  if (j.contains("anycast")) get_to(j, "anycast", v.anycast);
  get_to(j, "reload", v.reload);
}

}  // namespace lbd::api

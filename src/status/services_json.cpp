// SPDX-License-Identifier: GPL-2.0-or-later
// Services, real servers and checks on the wire.
#include "status/answers.hpp"
#include "status/json_fields.hpp"

namespace lbd::api {

using detail::get_to;
using detail::nullable;

void to_json(nlohmann::json& j, const rates& v) {
  j = {{"cps", v.cps}, {"inpps", v.inpps}, {"outpps", v.outpps}, {"inbps", v.inbps}, {"outbps", v.outbps}};
}

void from_json(const nlohmann::json& j, rates& v) {
  get_to(j, "cps", v.cps);
  get_to(j, "inpps", v.inpps);
  get_to(j, "outpps", v.outpps);
  get_to(j, "inbps", v.inbps);
  get_to(j, "outbps", v.outbps);
}

void to_json(nlohmann::json& j, const agent_status& v) {
  j = {{"said", v.said},
       {"reachable", v.reachable},
       {"weight_percent", nullable(v.weight_percent)},
       {"maxconn", nullable(v.maxconn)},
       {"reason", v.reason}};
}

void from_json(const nlohmann::json& j, agent_status& v) {
  get_to(j, "said", v.said);
  get_to(j, "reachable", v.reachable);
  get_to(j, "weight_percent", v.weight_percent);
  get_to(j, "maxconn", v.maxconn);
  get_to(j, "reason", v.reason);
}

void to_json(nlohmann::json& j, const real_server& v) {
  j = {{"address", v.address},
       {"health", v.state},
       {"reason", v.reason},
       {"configured_weight", v.configured_weight},
       {"weight", nullable(v.weight)},
       {"kernel_weight", nullable(v.kernel_weight)},
       {"override", nullable(v.override_by)},
       {"override_weight", nullable(v.override_weight)},
       {"draining", v.draining},
       {"ejected", nullable(v.ejected)},
       {"slow_start", nullable(v.slow_start)},
       {"active_conns", v.active_conns},
       {"inactive_conns", v.inactive_conns},
       {"rates", nullable(v.stats)},
       {"agent", nullable(v.agent)}};
}

void from_json(const nlohmann::json& j, real_server& v) {
  get_to(j, "address", v.address);
  get_to(j, "health", v.state);
  get_to(j, "reason", v.reason);
  get_to(j, "configured_weight", v.configured_weight);
  get_to(j, "weight", v.weight);
  get_to(j, "kernel_weight", v.kernel_weight);
  get_to(j, "override", v.override_by);
  get_to(j, "override_weight", v.override_weight);
  get_to(j, "draining", v.draining);
  get_to(j, "ejected", v.ejected);
  get_to(j, "slow_start", v.slow_start);
  get_to(j, "active_conns", v.active_conns);
  get_to(j, "inactive_conns", v.inactive_conns);
  get_to(j, "rates", v.stats);
  get_to(j, "agent", v.agent);
}

void to_json(nlohmann::json& j, const service& v) {
  j = {{"name", v.name},
       {"service", v.key},
       {"scheduler", v.scheduler},
       {"forwarding", v.method},
       {"source_nat", nullable(v.source_nat)},
       {"quorum", v.quorum},
       {"sorry_active", v.sorry_active},
       {"vrrp", nullable(v.vrrp)},
       {"active_conns", v.active_conns},
       {"inactive_conns", v.inactive_conns},
       {"stats_age_seconds", nullable(v.stats_age_seconds)},
       {"rates", nullable(v.stats)},
       {"real_servers", v.real_servers}};
  if (!v.also.empty()) j["also"] = v.also;
}

void from_json(const nlohmann::json& j, service& v) {
  get_to(j, "name", v.name);
  get_to(j, "service", v.key);
  std::optional<std::vector<std::string>> also;  // absent: one entry point
  get_to(j, "also", also);
  v.also = also.value_or(std::vector<std::string>{});
  get_to(j, "scheduler", v.scheduler);
  get_to(j, "forwarding", v.method);
  get_to(j, "source_nat", v.source_nat);
  get_to(j, "quorum", v.quorum);
  get_to(j, "sorry_active", v.sorry_active);
  get_to(j, "vrrp", v.vrrp);
  get_to(j, "active_conns", v.active_conns);
  get_to(j, "inactive_conns", v.inactive_conns);
  get_to(j, "stats_age_seconds", v.stats_age_seconds);
  get_to(j, "rates", v.stats);
  get_to(j, "real_servers", v.real_servers);
}

void to_json(nlohmann::json& j, const check_data_path& v) {
  j = {{"fwmark", v.fwmark}, {"real_server", v.real_server}};
}

void from_json(const nlohmann::json& j, check_data_path& v) {
  get_to(j, "fwmark", v.fwmark);
  get_to(j, "real_server", v.real_server);
}

void to_json(nlohmann::json& j, const check& v) {
  j = {{"check", v.name},
       {"type", v.type},
       {"target", v.target},
       {"status", v.state},
       {"reason", v.reason},
       {"latency_ms", nullable(v.latency_ms)},
       {"successes", v.successes},
       {"failures", v.failures},
       {"probes", v.probes},
       {"last_run", v.last_run ? nlohmann::json(rfc3339(*v.last_run)) : nlohmann::json(nullptr)},
       {"users", v.users},
       {"data_path", nullable(v.data_path)}};
}

void from_json(const nlohmann::json& j, check& v) {
  get_to(j, "check", v.name);
  get_to(j, "type", v.type);
  get_to(j, "target", v.target);
  get_to(j, "status", v.state);
  get_to(j, "reason", v.reason);
  get_to(j, "latency_ms", v.latency_ms);
  get_to(j, "successes", v.successes);
  get_to(j, "failures", v.failures);
  get_to(j, "probes", v.probes);
  v.last_run = detail::parse_optional_time(j, "last_run");
  get_to(j, "users", v.users);
  get_to(j, "data_path", v.data_path);
}

void to_json(nlohmann::json& j, const affected_server& v) {
  to_json(j, v.server);
  j["service"] = v.service;
}

void from_json(const nlohmann::json& j, affected_server& v) {
  get_to(j, "service", v.service);
  from_json(j, v.server);
}

}  // namespace lbd::api

// SPDX-License-Identifier: GPL-2.0-or-later
// VRRP instances and anycast groups on the wire: how a director holds its VIPs.
#include "status/answers.hpp"
#include "status/json_fields.hpp"

namespace lbd::api {

using detail::get_to;
using detail::nullable;

void to_json(nlohmann::json& j, const vrrp_transition& v) {
  j = {{"from", v.from}, {"to", v.to}, {"reason", v.reason}, {"at", rfc3339(v.at)}};
}

void from_json(const nlohmann::json& j, vrrp_transition& v) {
  get_to(j, "from", v.from);
  get_to(j, "to", v.to);
  get_to(j, "reason", v.reason);
  v.at = detail::parse_time(j, "at");
}

void to_json(nlohmann::json& j, const vrrp_instance& v) {
  j = {{"name", v.name},
       {"interface", v.interface},
       {"vmac_interface", nullable(v.vmac_interface)},
       {"vrid", v.vrid},
       {"version", v.version},
       {"state", v.state},
       {"priority", v.priority},
       {"effective_priority", v.effective_priority},
       {"master", v.master},
       {"virtual_ips", v.virtual_ips},
       {"sync_group", nullable(v.sync_group)},
       {"fault_reason", v.fault_reason},
       {"vips_held", v.vips_held},
       {"last_transition", nullable(v.last_transition)}};
}

void from_json(const nlohmann::json& j, vrrp_instance& v) {
  get_to(j, "name", v.name);
  get_to(j, "interface", v.interface);
  get_to(j, "vmac_interface", v.vmac_interface);
  get_to(j, "vrid", v.vrid);
  get_to(j, "version", v.version);
  get_to(j, "state", v.state);
  get_to(j, "priority", v.priority);
  get_to(j, "effective_priority", v.effective_priority);
  get_to(j, "master", v.master);
  get_to(j, "virtual_ips", v.virtual_ips);
  get_to(j, "sync_group", v.sync_group);
  get_to(j, "fault_reason", v.fault_reason);
  get_to(j, "vips_held", v.vips_held);
  get_to(j, "last_transition", v.last_transition);
}

void to_json(nlohmann::json& j, const anycast_group& v) {
  j = {{"name", v.name},
       {"virtual_ips", v.virtual_ips},
       {"interface", v.interface},
       {"announced", v.announced},
       {"reason", v.reason},
       {"since", v.since ? nlohmann::json(rfc3339(*v.since)) : nlohmann::json(nullptr)},
       {"live_weight", v.live_weight},
       {"configured_weight", v.configured_weight},
       {"high_watermark", v.high_watermark},
       {"low_watermark", v.low_watermark},
       {"route_error", v.route_error}};
}

void from_json(const nlohmann::json& j, anycast_group& v) {
  get_to(j, "name", v.name);
  get_to(j, "virtual_ips", v.virtual_ips);
  get_to(j, "interface", v.interface);
  get_to(j, "announced", v.announced);
  get_to(j, "reason", v.reason);
  v.since =
      j.contains("since") && !j.at("since").is_null() ? std::optional(detail::parse_time(j, "since")) : std::nullopt;
  get_to(j, "live_weight", v.live_weight);
  get_to(j, "configured_weight", v.configured_weight);
  get_to(j, "high_watermark", v.high_watermark);
  get_to(j, "low_watermark", v.low_watermark);
  get_to(j, "route_error", v.route_error);
}

}  // namespace lbd::api

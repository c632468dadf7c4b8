// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/vrrp/vrrp_status.hpp"

#include "common/time_format.hpp"

namespace lbd::daemon {

nlohmann::json to_json(const vrrp_instance_view& v) {
  const auto& c = v.config;
  nlohmann::json j;
  j["name"] = c.name;
  j["interface"] = c.interface;
  j["vrid"] = c.vrid;
  j["version"] = c.version;
  j["state"] = std::string(vrrp::to_string(v.state));
  j["priority"] = c.priority;
  j["effective_priority"] = v.effective_priority;
  j["master"] = v.master;
  j["virtual_ips"] = nlohmann::json::array();
  for (const auto& vip : c.virtual_ips) j["virtual_ips"].push_back(to_string(vip.address));
  j["sync_group"] = c.sync_group ? nlohmann::json(*c.sync_group) : nlohmann::json(nullptr);
  j["fault_reason"] = v.fault_reason;
  if (v.last) {
    j["last_transition"] = {{"from", std::string(vrrp::to_string(v.last->from))},
                            {"to", std::string(vrrp::to_string(v.last->to))},
                            {"reason", v.last->reason},
                            {"at", rfc3339(v.last->at)}};
  } else {
    j["last_transition"] = nullptr;
  }
  return j;
}

}  // namespace lbd::daemon

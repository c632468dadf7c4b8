#include "daemon/vrrp_status.hpp"

#include <fmt/format.h>

#include <ctime>

#include "daemon/vrrp_runtime.hpp"

namespace lbd::daemon {

std::string rfc3339(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  auto secs = static_cast<std::time_t>(ms / 1000);
  auto milli = ms % 1000;
  if (milli < 0) {  // before 1970: floor, not truncation
    milli += 1000;
    --secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, milli);
}

nlohmann::json to_json(const vrrp_instance_view& v) {
  const auto& c = *v.config;
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
  if (v.last != nullptr) {
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

#pragma once
// One [[vrrp]] instance as `lbctl vrrp` / `lbctl status` show it, pure: the object format is
// documented in vrrp_runtime.hpp (status()).
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "config/model.hpp"
#include "vrrp/events.hpp"

namespace lbd::daemon {

struct vrrp_transition;

struct vrrp_instance_view {
  const config::vrrp_instance* config = nullptr;
  vrrp::state state = vrrp::state::init;
  std::uint8_t effective_priority = 0;
  std::string master;        // "" when unknown
  std::string fault_reason;  // "" when none
  const vrrp_transition* last = nullptr;
};

nlohmann::json to_json(const vrrp_instance_view& v);

}  // namespace lbd::daemon

// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/vrrp/vrrp_status.hpp"

namespace lbd::daemon {

api::vrrp_state to_answer(vrrp::state s) {
  switch (s) {
    case vrrp::state::init: return api::vrrp_state::init;
    case vrrp::state::backup: return api::vrrp_state::backup;
    case vrrp::state::master: return api::vrrp_state::master;
    case vrrp::state::fault: break;
  }
  return api::vrrp_state::fault;
}

api::vrrp_instance to_answer(const vrrp_instance_view& v) {
  const auto& c = v.config;
  api::vrrp_instance out;
  out.name = c.name;
  out.interface = c.interface;
  out.vmac_interface = c.vmac_interface;
  out.vrid = c.vrid;
  out.version = c.version;
  out.state = to_answer(v.state);
  out.priority = c.priority;
  out.effective_priority = v.effective_priority;
  out.master = v.master;
  for (const auto& vip : c.virtual_ips) out.virtual_ips.push_back(to_string(vip.address));
  out.sync_group = c.sync_group;
  out.fault_reason = v.fault_reason;
  out.vips_held = v.vips_held;
  if (v.last)
    out.last_transition =
        api::vrrp_transition{to_answer(v.last->from), to_answer(v.last->to), v.last->reason, v.last->at};
  return out;
}

}  // namespace lbd::daemon

// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/vrrp/vrrp_notify.hpp"

#include <algorithm>
#include <cctype>

namespace lbd::daemon {

std::string_view notify_state_word(vrrp::state s) {
  switch (s) {
    case vrrp::state::master: return "master";
    case vrrp::state::backup: return "backup";
    case vrrp::state::fault: return "fault";
    case vrrp::state::init: return "stop";
  }
  return "stop";
}

std::vector<config::argv> notify_commands(const config::vrrp_notify& n, std::string_view instance, vrrp::state to,
                                          std::uint8_t priority) {
  const config::argv* specific = nullptr;
  switch (to) {
    case vrrp::state::master: specific = &n.master; break;
    case vrrp::state::backup: specific = &n.backup; break;
    case vrrp::state::fault: specific = &n.fault; break;
    case vrrp::state::init: specific = &n.stop; break;
  }
  std::string word(notify_state_word(to));
  const std::string prio = std::to_string(priority);
  std::vector<config::argv> out;
  if (n.arguments == config::notify_arguments::keepalived) {
    // keepalived's vrrp_notify: the state commands as written, the generic one with
    // `INSTANCE NAME STATE PRIORITY` and the state in capitals.
    if (specific != nullptr && !specific->empty()) out.push_back(*specific);
    if (!n.any.empty()) {
      std::transform(word.begin(), word.end(), word.begin(), [](unsigned char c) { return std::toupper(c); });
      config::argv a = n.any;
      a.insert(a.end(), {"INSTANCE", std::string(instance), word, prio});
      out.push_back(std::move(a));
    }
    return out;
  }
  if (specific != nullptr && !specific->empty()) {
    config::argv a = *specific;
    a.insert(a.end(), {std::string(instance), word, prio});
    out.push_back(std::move(a));
  }
  if (!n.any.empty()) {
    config::argv a = n.any;
    a.insert(a.end(), {std::string(instance), prio, word});
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace lbd::daemon

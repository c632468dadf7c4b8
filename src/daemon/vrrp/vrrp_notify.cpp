// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/vrrp/vrrp_notify.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

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

namespace {

// Who a notify command reports on.
struct subject {
  std::string_view kind;  // keepalived's word: "INSTANCE" or "GROUP"
  std::string_view name;
  std::optional<std::uint8_t> priority;  // an instance's; groups have none (keepalived: 0)
};

std::vector<config::argv> commands_for(const config::vrrp_notify& n, const subject& who, vrrp::state to) {
  const config::argv* specific = nullptr;
  switch (to) {
    case vrrp::state::master: specific = &n.master; break;
    case vrrp::state::backup: specific = &n.backup; break;
    case vrrp::state::fault: specific = &n.fault; break;
    case vrrp::state::init: specific = &n.stop; break;
  }
  std::string word(notify_state_word(to));
  const std::string prio = std::to_string(who.priority.value_or(0));
  const std::string name(who.name);
  std::vector<config::argv> out;
  if (n.arguments == config::notify_arguments::keepalived) {
    // keepalived's vrrp_notify: the state commands as written, the generic one with
    // `INSTANCE|GROUP NAME STATE PRIORITY` and the state in capitals.
    if (specific != nullptr && !specific->empty()) out.push_back(*specific);
    if (!n.any.empty()) {
      std::transform(word.begin(), word.end(), word.begin(), [](unsigned char c) { return std::toupper(c); });
      config::argv a = n.any;
      a.insert(a.end(), {std::string(who.kind), name, word, prio});
      out.push_back(std::move(a));
    }
    return out;
  }
  auto with = [&](const config::argv& command, bool state_last) {
    config::argv a = command;
    a.push_back(name);
    if (!who.priority) {
      a.push_back(word);
    } else if (state_last) {
      a.insert(a.end(), {prio, word});
    } else {
      a.insert(a.end(), {word, prio});
    }
    return a;
  };
  if (specific != nullptr && !specific->empty()) out.push_back(with(*specific, false));
  if (!n.any.empty()) out.push_back(with(n.any, true));
  return out;
}

}  // namespace

std::vector<config::argv> notify_commands(const config::vrrp_notify& n, std::string_view instance, vrrp::state to,
                                          std::uint8_t priority) {
  return commands_for(n, subject{"INSTANCE", instance, priority}, to);
}

std::vector<config::argv> group_notify_commands(const config::vrrp_notify& n, std::string_view group, vrrp::state to) {
  return commands_for(n, subject{"GROUP", group, std::nullopt}, to);
}

}  // namespace lbd::daemon

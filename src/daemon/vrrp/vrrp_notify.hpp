// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The commands [[vrrp]] notify runs on a transition, pure. Exactly these arguments are appended to
// the configured command (lbd.conf reference, vrrp.notify):
//   master / backup / fault / stop:  <command...> INSTANCE STATE PRIORITY
//   any:                             <command...> INSTANCE PRIORITY STATE
// INSTANCE is the [[vrrp]] name; STATE the new state in lower case (`master`, `backup`, `fault`, or
// `stop` when the instance stops: lbd shuts down, or the instance left the config or is restarted
// by a reload); PRIORITY the effective priority in decimal at the moment of the transition. `any`
// keeps the new state last so that one script can serve every state by looking at its last
// argument. The state-specific command runs first, then `any`.
// With `arguments = "keepalived"` the commands get keepalived's arguments instead: none for
// master / backup / fault / stop, and `INSTANCE NAME STATE PRIORITY` for `any`, where INSTANCE is
// the word itself and STATE is in capitals (MASTER, BACKUP, FAULT, STOP).
// A [[sync_group]]'s notify runs when the group as a whole changes state (vrrp::sync_group::overall):
//   master / backup / fault / stop / any:  <command...> GROUP STATE
// and with `arguments = "keepalived"` none for master..stop, `GROUP NAME STATE 0` for `any`
// (keepalived gives groups priority 0).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/model.hpp"
#include "vrrp/events.hpp"

namespace lbd::daemon {

// "master", "backup", "fault", "stop" (INIT is reached only by stopping).
std::string_view notify_state_word(vrrp::state s);

std::vector<config::argv> notify_commands(const config::vrrp_notify& n, std::string_view instance, vrrp::state to,
                                          std::uint8_t priority);
std::vector<config::argv> group_notify_commands(const config::vrrp_notify& n, std::string_view group, vrrp::state to);

}  // namespace lbd::daemon

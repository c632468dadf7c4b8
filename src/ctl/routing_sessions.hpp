// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// `lbctl anycast` below the groups: the BGP sessions of the routing daemon that announces lbd's
// routes on this director (BIRD 2 or FRR, docs/operations.md "Active/active over BGP"). lbd only
// puts routes in the kernel; whether anyone upstream hears them is the routing daemon's business,
// so lbctl asks it with its own command. Pure: which daemon to ask, and what its command printed;
// routing_daemon.hpp runs the command.
#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace lbd::ctl::routing {

struct bgp_session {
  std::string name;   // BIRD: the protocol's name; FRR: the neighbor (its address or interface)
  std::string state;  // "Established", the FSM state ("Active", "Idle (Admin)"), or BIRD's "down"
  std::string since;  // as the daemon prints it: BIRD the last change, FRR the up/down time or "never"
  std::string info;   // BIRD: the last error; FRR: prefixes received and sent per address family
  bool operator==(const bgp_session&) const = default;
};

// `birdc show protocols`: its BGP protocols, in its order. What birdc prints before the table (its
// banner, "Access restricted") is skipped; an output without the table is an error.
result<std::vector<bgp_session>, std::string> parse_bird_protocols(std::string_view text);
// "2.0.12" from birdc's banner "BIRD 2.0.12 ready."; empty when there is none.
std::string bird_version(std::string_view text);
// `vtysh -c 'show bgp summary json'`: the peers of ipv4Unicast and ipv6Unicast, each listed once
// (in its first family's order) with the prefix counts of every family it is in. `{}` (no BGP
// instance) has none; anything but an object is an error.
result<std::vector<bgp_session>, std::string> parse_frr_bgp_summary(const nlohmann::json& summary);

enum class daemon_kind { none, bird, frr };

// Where lbctl looks for each daemon; bird_socket is `lbctl anycast --bird-socket`.
struct daemon_paths {
  std::string birdc = "/usr/sbin/birdc";
  std::string bird_socket = "/run/bird/bird.ctl";
  std::string vtysh = "/usr/bin/vtysh";
  std::string bgpd_vty = "/run/frr/bgpd.vty";  // there while bgpd runs
};

// BIRD when birdc and its control socket exist, else FRR when vtysh and bgpd's vty socket exist.
daemon_kind pick(const daemon_paths& paths, const std::function<bool(const std::string&)>& exists);

// What lbctl found out, for view::routing_daemon.
struct report {
  daemon_kind daemon = daemon_kind::none;
  std::string version;      // BIRD's, from its banner; empty: unknown
  std::string bird_socket;  // where BIRD was looked for
  std::string error;        // set when the daemon's command failed, timed out or printed nonsense
  std::vector<bgp_session> sessions;
};

}  // namespace lbd::ctl::routing

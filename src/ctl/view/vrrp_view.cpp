// SPDX-License-Identifier: GPL-2.0-or-later
// How the director holds its VIPs: VRRP instances, anycast groups and the BGP sessions that carry
// their routes.
#include <fmt/format.h>

#include "ctl/view/views.hpp"

namespace lbd::ctl::view {
namespace {

std::string last_transition(const api::vrrp_instance& i, clock_point now) {
  if (!i.last_transition) return "-";
  const auto& t = *i.last_transition;
  std::string out = fmt::format("{} -> {} {}", api::to_string(t.from), api::to_string(t.to), ago(t.at, now));
  if (!t.reason.empty()) out += " (" + t.reason + ")";
  return out;
}

}  // namespace

std::string vrrp(const std::vector<api::vrrp_instance>& instances, clock_point now) {
  if (instances.empty()) return "no VRRP instances\n";
  table t;
  t.add({"INSTANCE", "INTERFACE", "VRID", "STATE", "PRIO/EFF", "MASTER", "VIRTUAL IPS", "LAST TRANSITION"});
  for (const auto& i : instances) {
    std::string state(api::to_string(i.state));
    if (!i.fault_reason.empty()) state += " (" + i.fault_reason + ")";
    if (i.vips_held) state += " (VIPs held for the master command)";
    std::string name = i.name;
    if (i.sync_group) name += " [" + *i.sync_group + "]";
    // use_vmac: "eth0>vrrp.51", the VIPs on the macvlan of eth0.
    const std::string itf = i.vmac_interface ? i.interface + ">" + *i.vmac_interface : i.interface;
    t.add({name, itf, std::to_string(i.vrid), state, fmt::format("{}/{}", i.priority, i.effective_priority),
           i.master.empty() ? "?" : i.master, fmt::format("{}", fmt::join(i.virtual_ips, ",")),
           last_transition(i, now)});
  }
  return t.render();
}

std::string anycast(const std::vector<api::anycast_group>& groups, clock_point now) {
  if (groups.empty()) return "no anycast groups\n";
  table t;
  t.add({"GROUP", "VIRTUAL IPS", "ROUTES", "LIVE WEIGHT", "WATERMARKS", "SINCE", "REASON"});
  for (const auto& g : groups) {
    const auto share = g.configured_weight == 0 ? 0 : g.live_weight * 100 / g.configured_weight;
    std::string reason = g.reason;
    if (!g.route_error.empty()) reason += " (routes: " + g.route_error + ")";
    t.add({g.name, fmt::format("{} on {}", fmt::join(g.virtual_ips, ","), g.interface),
           g.announced ? "announced" : "withdrawn",
           fmt::format("{}/{} ({}%)", g.live_weight, g.configured_weight, share),
           fmt::format("{}%-{}%", g.low_watermark, g.high_watermark), g.since ? ago(*g.since, now) : "-", reason});
  }
  return t.render();
}

std::string routing_daemon(const routing::report& r) {
  if (r.daemon == routing::daemon_kind::none) {
    return fmt::format("Routing daemon: none found (birdc with {}, or vtysh with bgpd)\n", r.bird_socket);
  }
  std::string who = "FRR, vtysh";
  if (r.daemon == routing::daemon_kind::bird) who = r.version.empty() ? "BIRD, birdc" : "BIRD " + r.version + ", birdc";
  if (!r.error.empty()) return fmt::format("Routing daemon ({}): sessions not read: {}\n", who, r.error);
  if (r.sessions.empty()) return fmt::format("Routing daemon ({}): no BGP sessions\n", who);
  table t;
  t.add({"SESSION", "STATE", "SINCE", "INFO"});
  for (const auto& s : r.sessions) t.add({s.name, s.state, s.since, s.info});
  return fmt::format("Routing daemon ({}):\n", who) + t.render("  ");
}

}  // namespace lbd::ctl::view

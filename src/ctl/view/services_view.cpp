// SPDX-License-Identifier: GPL-2.0-or-later
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <sstream>

#include "ctl/view/views.hpp"

namespace lbd::ctl::view {
namespace {

// "tcp 192.0.2.10:80" -> "TCP  192.0.2.10:80", as ipvsadm -Ln prints it; "fwmark 5" -> "FWM  5".
std::string service_address(const std::string& service) {
  auto space = service.find(' ');
  if (space == std::string::npos) return service;
  std::string proto = service.substr(0, space);
  if (proto == "fwmark") proto = "FWM";
  std::transform(proto.begin(), proto.end(), proto.begin(), [](unsigned char c) { return std::toupper(c); });
  return fmt::format("{:<4} {}", proto, service.substr(space + 1));
}

std::string forward_name(api::forwarding f) {
  switch (f) {
    case api::forwarding::nat: return "Masq";
    case api::forwarding::dr: return "Route";
    case api::forwarding::tun: break;
  }
  return "Tunnel";
}

std::string service_line(const api::service& s) {
  std::string line = service_address(s.key);
  if (!s.scheduler.empty()) line += " " + s.scheduler;
  std::vector<std::string> about{s.name};
  for (const auto& more : s.also) {
    // A group's other addresses without their protocol, the first one's; fwmarks as they are.
    const auto space = more.find(' ');
    const bool same_protocol = space != std::string::npos && more.compare(0, space, "fwmark") != 0 &&
                               s.key.compare(0, space + 1, more, 0, space + 1) == 0;
    about.push_back("also " + (same_protocol ? more.substr(space + 1) : more));
  }
  if (s.vrrp) about.push_back("vrrp " + *s.vrrp);
  if (!s.quorum) about.emplace_back("NO QUORUM");
  if (s.sorry_active) about.emplace_back("sorry server active");
  line += " (" + fmt::format("{}", fmt::join(about, ", ")) + ")";
  return line;
}

// "[drain] draining, configured weight 3", "[weight 5] configured weight 3, not in kernel",
// "down: connection refused", "ejected, back in 4s (ejection 1 in a row)",
// "slow start 12/60 s to weight 100"
std::string notes(const api::real_server& rs) {
  std::string marker;
  std::vector<std::string> out;
  if (rs.override_by == api::override_kind::drain) {
    marker = "[drain]";
  } else if (rs.override_by == api::override_kind::weight) {
    marker = rs.override_weight ? fmt::format("[weight {}]", *rs.override_weight) : "[weight]";
  }
  if (rs.draining) out.emplace_back("draining");
  if (rs.ejected) out.push_back("ejected, " + *rs.ejected);
  if (rs.slow_start) out.push_back(*rs.slow_start);
  if (rs.override_by) out.push_back(fmt::format("configured weight {}", rs.configured_weight));
  if (!rs.kernel_weight) {
    out.emplace_back("not in kernel");
  } else if (rs.kernel_weight != rs.weight) {
    out.push_back(fmt::format("kernel weight {}", *rs.kernel_weight));
  }
  if (!rs.reason.empty() && rs.state != api::health::up) {
    out.push_back(fmt::format("{}: {}", api::to_string(rs.state), rs.reason));
  }
  if (rs.agent) {
    out.push_back(rs.agent->said == "unreachable" ? "agent unreachable" : "agent: " + rs.agent->said);
  }
  auto rest = fmt::format("{}", fmt::join(out, ", "));
  if (marker.empty()) return rest;
  return rest.empty() ? marker : marker + " " + rest;
}

}  // namespace

std::string services(const std::vector<api::service>& services) {
  if (services.empty()) return "no virtual services\n";
  // Real-server rows line up across all services; service lines are free text between them.
  table rows;
  rows.add({"  -> RemoteAddress:Port", "Forward", "Weight", "Health", "ActiveConn", "InActConn", "Notes"});
  std::vector<std::pair<std::size_t, std::string>> service_lines;  // before row index
  std::size_t row = 1;
  for (const auto& s : services) {
    service_lines.emplace_back(row, service_line(s));
    // ipvsadm says Masq; the source NAT to the pool is what makes it FULLNAT.
    auto forward = s.source_nat ? std::string("FullNAT") : forward_name(s.method);
    for (const auto& rs : s.real_servers) {
      // No weight: lbd does not want it in the kernel now.
      rows.add({"  -> " + rs.address, forward, rs.weight ? std::to_string(*rs.weight) : "-",
                std::string(api::to_string(rs.state)), std::to_string(rs.active_conns),
                std::to_string(rs.inactive_conns), notes(rs)});
      ++row;
    }
  }
  std::string out = "Prot LocalAddress:Port Scheduler (name, VRRP instance)\n";
  std::istringstream rendered(rows.render());
  std::string line;
  std::size_t index = 0;
  auto next_service = service_lines.begin();
  while (std::getline(rendered, line)) {
    for (; next_service != service_lines.end() && next_service->first == index; ++next_service) {
      out += next_service->second + "\n";
    }
    out += line + "\n";
    ++index;
  }
  for (; next_service != service_lines.end(); ++next_service) out += next_service->second + "\n";
  return out;
}

}  // namespace lbd::ctl::view

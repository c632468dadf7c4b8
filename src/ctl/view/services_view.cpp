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

std::string forward_name(const std::string& forwarding) {
  if (forwarding == "nat") return "Masq";
  if (forwarding == "dr") return "Route";
  if (forwarding == "tun") return "Tunnel";
  return forwarding;
}

std::string service_line(const nlohmann::json& s) {
  std::string line = service_address(text(s, "service"));
  if (auto sched = text(s, "scheduler"); !sched.empty()) line += " " + sched;
  std::vector<std::string> about{text(s, "name")};
  if (auto v = text(s, "vrrp"); !v.empty()) about.push_back("vrrp " + v);
  if (s.contains("quorum") && s["quorum"].is_boolean() && !s["quorum"].get<bool>()) about.emplace_back("NO QUORUM");
  if (flag(s, "sorry_active")) about.emplace_back("sorry server active");
  line += " (" + fmt::format("{}", fmt::join(about, ", ")) + ")";
  return line;
}

// "[drain] draining, configured weight 3", "[weight 5] configured weight 3, not in kernel",
// "down: connection refused"
std::string notes(const nlohmann::json& rs) {
  std::string marker;
  std::vector<std::string> out;
  auto override_kind = text(rs, "override");
  auto configured = text(rs, "configured_weight");
  if (override_kind == "drain") {
    marker = "[drain]";
  } else if (override_kind == "weight") {
    marker = fmt::format("[weight {}]", text(rs, "override_weight"));
  }
  if (flag(rs, "draining")) out.emplace_back("draining");
  if (!override_kind.empty() && !configured.empty()) out.push_back("configured weight " + configured);
  if (rs.is_object() && rs.contains("kernel_weight")) {
    const auto& kernel = rs["kernel_weight"];
    if (kernel.is_null()) {
      out.emplace_back("not in kernel");
    } else if (kernel.is_number() && kernel.dump() != text(rs, "weight")) {
      out.push_back("kernel weight " + kernel.dump());
    }
  }
  auto health = text(rs, "health");
  if (auto reason = text(rs, "reason"); !reason.empty() && health != "up") out.push_back(health + ": " + reason);
  auto rest = fmt::format("{}", fmt::join(out, ", "));
  if (marker.empty()) return rest;
  return rest.empty() ? marker : marker + " " + rest;
}

}  // namespace

std::string services(const nlohmann::json& services) {
  if (!services.is_array() || services.empty()) return "no virtual services\n";
  // Real-server rows line up across all services; service lines are free text between them.
  table rows;
  rows.add({"  -> RemoteAddress:Port", "Forward", "Weight", "Health", "ActiveConn", "InActConn", "Notes"});
  std::vector<std::pair<std::size_t, std::string>> service_lines;  // before row index
  std::size_t row = 1;
  for (const auto& s : services) {
    service_lines.emplace_back(row, service_line(s));
    auto forward = forward_name(text(s, "forwarding"));
    for (const auto& rs : array(s, "real_servers")) {
      auto weight = text(rs, "weight");  // null: lbd does not want it in the kernel now
      rows.add({"  -> " + text(rs, "address"), forward, weight.empty() ? "-" : weight, text(rs, "health"),
                text(rs, "active_conns"), text(rs, "inactive_conns"), notes(rs)});
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

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A doctor finding: how bad, what was seen, and the one thing to do about it.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace lbd::ctl::doctor {

enum class severity { ok, warning, error };

struct finding {
  severity level = severity::ok;
  std::string topic;  // "ipvs-modules", "ip-forward", "vip", "real-server", "firewall-vrrp", ...
  std::string what;
  std::string fix;  // empty when there is nothing to do
  friend bool operator==(const finding&, const finding&) = default;
};

const char* to_string(severity s);

// "ERROR    ip-forward  net.ipv4.ip_forward is 0 but service http uses NAT\n         -> sysctl -w ..."
std::string render_text(const std::vector<finding>& findings);
nlohmann::json render_json(const std::vector<finding>& findings);
bool any_error(const std::vector<finding>& findings);

}  // namespace lbd::ctl::doctor

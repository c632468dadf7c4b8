// SPDX-License-Identifier: GPL-2.0-or-later
#include <fmt/format.h>

#include "ctl/view/views.hpp"

namespace lbd::ctl::view {
namespace {

std::string priority(const nlohmann::json& i) {
  auto configured = text(i, "priority");
  auto effective = text(i, "effective_priority");
  if (effective.empty()) return configured;
  return configured + "/" + effective;
}

std::string joined(const nlohmann::json& list) {
  std::string out;
  for (const auto& v : list) {
    if (!v.is_string()) continue;
    if (!out.empty()) out += ",";
    out += v.get<std::string>();
  }
  return out;
}

std::string last_transition(const nlohmann::json& i, clock_point now) {
  const auto& t = object(i, "last_transition");
  if (t.empty()) return "-";
  std::string out = fmt::format("{} -> {}", text(t, "from"), text(t, "to"));
  if (auto when = ago_of(t, "at", now); !when.empty()) out += " " + when;
  if (auto reason = text(t, "reason"); !reason.empty()) out += " (" + reason + ")";
  return out;
}

}  // namespace

std::string vrrp(const nlohmann::json& instances, clock_point now) {
  if (!instances.is_array() || instances.empty()) return "no VRRP instances\n";
  table t;
  t.add({"INSTANCE", "INTERFACE", "VRID", "STATE", "PRIO/EFF", "MASTER", "VIRTUAL IPS", "LAST TRANSITION"});
  for (const auto& i : instances) {
    std::string state = text(i, "state");
    if (auto fault = text(i, "fault_reason"); !fault.empty()) state += " (" + fault + ")";
    std::string name = text(i, "name");
    if (auto group = text(i, "sync_group"); !group.empty()) name += " [" + group + "]";
    auto master = text(i, "master");
    t.add({name, text(i, "interface"), text(i, "vrid"), state, priority(i), master.empty() ? "?" : master,
           joined(array(i, "virtual_ips")), last_transition(i, now)});
  }
  return t.render();
}

}  // namespace lbd::ctl::view

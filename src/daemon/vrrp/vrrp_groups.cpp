// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/vrrp/vrrp_groups.hpp"

namespace lbd::daemon {

vrrp_groups::vrrp_groups(const std::vector<config::vrrp_instance>& instances) {
  for (const auto& v : instances) {
    if (!v.sync_group) continue;
    auto& m = members_[*v.sync_group];
    places_[v.name] = place{*v.sync_group, m.size()};
    m.push_back(v.name);
  }
  for (const auto& [name, m] : members_) groups_.emplace(name, vrrp::sync_group(name, m));
}

std::optional<std::string> vrrp_groups::group_of(const std::string& instance) const {
  auto it = places_.find(instance);
  if (it == places_.end()) return std::nullopt;
  return it->second.group;
}

std::vector<std::string> vrrp_groups::members(const std::string& group) const {
  auto it = members_.find(group);
  return it == members_.end() ? std::vector<std::string>{} : it->second;
}

std::vector<vrrp_groups::directive> vrrp_groups::named(const std::string& group,
                                                       const std::vector<vrrp::sync_group::directive>& d) const {
  const auto& names = members_.at(group);
  std::vector<directive> out;
  out.reserve(d.size());
  for (const auto& x : d) out.push_back(directive{names.at(x.member), x.event});
  return out;
}

std::vector<vrrp_groups::directive> vrrp_groups::seed(const std::string& instance, vrrp::state current,
                                                      const vrrp::tracking_state& tracked) {
  auto it = places_.find(instance);
  if (it == places_.end()) return {};
  auto& g = groups_.at(it->second.group);
  // Only the state is recorded; a reload must not move anyone.
  (void)g.on_transition(it->second.index, vrrp::state::init, current);
  if (!tracked.fault) return {};
  return named(it->second.group, g.set_member_fault(it->second.index, true, tracked.fault_reason));
}

std::vector<vrrp_groups::directive> vrrp_groups::on_tracking(const std::string& instance,
                                                             const vrrp::tracking_state& before,
                                                             const vrrp::tracking_state& after) {
  auto it = places_.find(instance);
  std::vector<directive> out;
  if (it == places_.end()) {
    for (auto& e : vrrp::tracking_events(before, after)) out.push_back(directive{instance, std::move(e)});
    return out;
  }
  // Priority first, so a member leaving FAULT comes back with its new priority.
  if (after.priority != before.priority) out.push_back(directive{instance, vrrp::ev::priority_changed{after.priority}});
  if (after.fault != before.fault) {
    auto& g = groups_.at(it->second.group);
    auto more = named(it->second.group, g.set_member_fault(it->second.index, after.fault, after.fault_reason));
    out.insert(out.end(), more.begin(), more.end());
  }
  return out;
}

std::vector<vrrp_groups::directive> vrrp_groups::on_transition(const std::string& instance, vrrp::state from,
                                                               vrrp::state to) {
  auto it = places_.find(instance);
  if (it == places_.end()) return {};
  return named(it->second.group, groups_.at(it->second.group).on_transition(it->second.index, from, to));
}

std::optional<vrrp_groups::group_change> vrrp_groups::settle(const std::string& instance) {
  auto it = places_.find(instance);
  if (it == places_.end()) return std::nullopt;
  const std::string& group = it->second.group;
  const vrrp::state now = groups_.at(group).overall();
  auto& seen = reported_[group];  // a group never reported was INIT: nothing ran yet
  if (seen == now) return std::nullopt;
  group_change c{group, seen, now};
  seen = now;
  return c;
}

void vrrp_groups::adopt_states() {
  for (const auto& [name, g] : groups_) reported_[name] = g.overall();
}

}  // namespace lbd::daemon

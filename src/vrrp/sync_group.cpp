// SPDX-License-Identifier: GPL-2.0-or-later
#include "vrrp/sync_group.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

namespace lbd::vrrp {

sync_group::sync_group(std::string name, std::vector<std::string> members) : name_(std::move(name)) {
  for (auto& m : members) members_.push_back(member{std::move(m), state::init, false, {}});
}

bool sync_group::in_fault() const {
  return std::any_of(members_.begin(), members_.end(), [](const member& m) { return m.fault; });
}

state sync_group::overall() const {
  bool running = false;
  bool all_master = true;
  for (const auto& m : members_) {
    if (m.current == state::fault) return state::fault;
    if (m.current == state::init) continue;
    running = true;
    all_master = all_master && m.current == state::master;
  }
  if (!running) return state::init;
  return all_master ? state::master : state::backup;
}

std::vector<sync_group::directive> sync_group::set_member_fault(std::size_t index, bool fault,
                                                                const std::string& reason) {
  if (index >= members_.size()) std::abort();  // a wiring bug
  const bool was = in_fault();
  members_[index].fault = fault;
  members_[index].reason = reason;
  const bool now = in_fault();
  std::vector<directive> out;
  if (was == now) return out;
  for (std::size_t i = 0; i < members_.size(); ++i) {
    if (now) {
      out.push_back({i, ev::fault_on{fmt::format("sync group {}: {}: {}", name_, members_[index].name, reason)}});
    } else {
      out.push_back({i, ev::fault_off{}});
    }
  }
  return out;
}

std::vector<sync_group::directive> sync_group::on_transition(std::size_t index, state from, state to) {
  if (index >= members_.size()) std::abort();
  members_[index].current = to;
  std::vector<directive> out;
  for (std::size_t i = 0; i < members_.size(); ++i) {
    if (i == index) continue;
    if (to == state::master && members_[i].current == state::backup) {
      out.push_back({i, ev::force_master{fmt::format("sync group {}: {} became MASTER", name_, members_[index].name)}});
    } else if (to == state::backup && from == state::master && members_[i].current == state::master) {
      out.push_back({i, ev::force_backup{fmt::format("sync group {}: {} became BACKUP", name_, members_[index].name)}});
    }
  }
  return out;
}

}  // namespace lbd::vrrp

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Sync group (keepalived's vrrp_sync_group): member instances move together. A member that becomes
// MASTER pulls the others in BACKUP to MASTER; a master that is outranked pushes the other masters to
// BACKUP; any member's own fault puts every member in FAULT. Pure: it returns the events the daemon
// must feed to which member. A member's own tracking faults go through set_member_fault(), never
// straight to the member.
#include <cstddef>
#include <string>
#include <vector>

#include "vrrp/events.hpp"

namespace lbd::vrrp {

class sync_group {
 public:
  struct directive {
    std::size_t member = 0;
    vrrp::event event;
  };

  sync_group(std::string name, std::vector<std::string> members);

  std::vector<directive> set_member_fault(std::size_t member, bool fault, const std::string& reason);
  // Report every transition of a member (act::state_changed).
  std::vector<directive> on_transition(std::size_t member, state from, state to);

  [[nodiscard]] bool in_fault() const;
  // The group's own state, from its members' (the one its notify hooks report): FAULT while a
  // member is in FAULT; otherwise, among the members that run (not INIT), MASTER when all are,
  // BACKUP when any is not; INIT when none runs. A member starting or stopping therefore does not
  // move the group by itself, and a group moving to MASTER is MASTER once its last member is.
  [[nodiscard]] state overall() const;
  [[nodiscard]] std::size_t size() const { return members_.size(); }

 private:
  struct member {
    std::string name;
    state current = state::init;
    bool fault = false;
    std::string reason;
  };
  std::string name_;
  std::vector<member> members_;
};

}  // namespace lbd::vrrp

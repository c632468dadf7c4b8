// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The sync groups of a config, wired to instance names, pure. Every runner reports its tracking
// changes and its transitions here; what comes back is the events to feed to which instance. An
// instance outside any group gets its own tracking events back (vrrp::tracking_events); a member's
// priority changes go straight to it too, while its faults go through the group, which puts every
// member in FAULT while any one of them has one.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/model.hpp"
#include "vrrp/events.hpp"
#include "vrrp/sync_group.hpp"
#include "vrrp/tracking.hpp"

namespace lbd::daemon {

class vrrp_groups {
 public:
  struct directive {
    std::string instance;
    vrrp::event event;
  };

  // Groups and members in config order.
  explicit vrrp_groups(const std::vector<config::vrrp_instance>& instances);

  // A running member kept across a reload: its state and tracking as they are now. Returns the
  // events its fault brings to the others (the group may be new to it).
  std::vector<directive> seed(const std::string& instance, vrrp::state current, const vrrp::tracking_state& tracked);

  std::vector<directive> on_tracking(const std::string& instance, const vrrp::tracking_state& before,
                                     const vrrp::tracking_state& after);
  std::vector<directive> on_transition(const std::string& instance, vrrp::state from, vrrp::state to);

  [[nodiscard]] std::optional<std::string> group_of(const std::string& instance) const;
  // A group's members in config order (none for an unknown group).
  [[nodiscard]] std::vector<std::string> members(const std::string& group) const;

  // A group's own state moved (vrrp::sync_group::overall): what its notify hooks report.
  struct group_change {
    std::string group;
    vrrp::state from = vrrp::state::init;
    vrrp::state to = vrrp::state::init;
  };
  // After a member's transition: its group's change since the last one reported, if any.
  std::optional<group_change> settle(const std::string& instance);
  // After a reload has seeded the running members: their groups' states count as reported, so a
  // reload by itself notifies nothing (its members did not move).
  void adopt_states();

 private:
  struct place {
    std::string group;
    std::size_t index = 0;
  };
  std::vector<directive> named(const std::string& group, const std::vector<vrrp::sync_group::directive>& d) const;

  std::map<std::string, vrrp::sync_group> groups_;
  std::map<std::string, std::vector<std::string>> members_;  // group -> member names by index
  std::map<std::string, place> places_;                      // instance -> its group and index
  std::map<std::string, vrrp::state> reported_;              // group -> the state its hooks last saw
};

}  // namespace lbd::daemon

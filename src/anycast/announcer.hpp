// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The announcement decisions of every [[anycast]] group of one director, and the routes they add up
// to. Pure: fed the groups' live and configured weights after each IPVS pass, it answers with the
// decisions that changed (each with its reason) and the host routes to hold; the daemon logs,
// counts and applies them.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "anycast/health_gate.hpp"
#include "common/address.hpp"

namespace lbd::anycast {

struct group_spec {
  std::string name;
  std::vector<ip_address> virtual_ips;
  watermarks marks;
};

struct weight_sum {
  std::uint64_t live = 0;
  std::uint64_t configured = 0;
};

struct announcement_change {
  std::string group;
  bool announce = false;
  std::string reason;
};

struct group_state {
  group_spec spec;
  health_gate gate;
  weight_sum weights;  // at the last update
  std::string reason;  // of the last decision; "" before the first
  bool decided = false;
};

class announcer {
 public:
  // The groups of a (re)loaded configuration, in its order. A group kept by name keeps its decision
  // (new VIPs are announced at once with the others, new watermarks apply from the next update);
  // a new group starts withdrawn.
  void configure(const std::vector<group_spec>& groups);
  // The weights of each group now (a group missing from `weights` has none). The decisions that
  // changed, in group order.
  std::vector<announcement_change> update(const std::map<std::string, weight_sum>& weights);
  // Graceful stop: every announced group withdraws, and none announces again.
  std::vector<announcement_change> stop();

  // Host routes (/32, /128) of the announced groups' VIPs.
  [[nodiscard]] std::vector<prefix> routes() const;
  [[nodiscard]] const std::vector<group_state>& groups() const { return groups_; }

 private:
  std::vector<group_state> groups_;
  bool stopped_ = false;
};

// The host route of a VIP: /32 or /128.
prefix host_route(const ip_address& a);

}  // namespace lbd::anycast

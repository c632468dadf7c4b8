// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Draining: a real server that fails or leaves the config under the drain policy stays in the kernel
// at weight 0, so established connections finish, and is removed once it has no connections left or
// the drain timeout has passed. If it comes back first it simply gets its weight back. Pure: the
// kernel snapshot and the time come in as data.
#include <chrono>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "ipvs/model.hpp"

namespace lbd::ipvs {

enum class drain_event_kind : std::uint8_t { started, finished_idle, finished_timeout, recovered };

struct drain_event {
  drain_event_kind kind;
  service_key service;
  dest_key dest;
  friend bool operator==(const drain_event&, const drain_event&) = default;
};

std::string_view to_string(drain_event_kind k);

class drain_tracker {
 public:
  using clock = std::chrono::steady_clock;
  explicit drain_tracker(std::chrono::nanoseconds timeout) : timeout_(timeout) {}

  struct outcome {
    table desired;  // the input plus the destinations still draining, at weight 0
    std::vector<drain_event> events;
  };

  // `drained`: the services whose departing destinations drain (the others lose them at once).
  // A destination drains when the kernel has it under such a service and `desired` keeps the
  // service but not the destination.
  // `within`: the services `kernel` and `desired` cover (a pass over some services only); the
  // destinations draining elsewhere are left as they are. nullptr: the tables are whole.
  outcome update(const table& kernel, table desired, const ownership& drained, clock::time_point now,
                 const ownership* within = nullptr);

  // Whether update() with these inputs would change nothing: no destination tracked (within
  // `within`) and none departing a drained service. The reconciler then plans from the desired
  // table as it is, instead of a copy of it (a table of 110,000 entries is about 20 MB).
  [[nodiscard]] bool settled(const table& kernel, const table& desired, const ownership& drained,
                             const ownership* within = nullptr) const;

  [[nodiscard]] bool draining(const service_key& s, const dest_key& d) const {
    const auto it = entries_.find({s, d});
    return it != entries_.end() && !it->second.done;
  }
  [[nodiscard]] std::size_t draining_count() const;
  // Every destination still draining (a copy, for another thread to read).
  [[nodiscard]] std::set<std::pair<service_key, dest_key>> draining_now() const;

 private:
  struct entry {
    clock::time_point since;
    bool done = false;  // finished: left out of `desired` until the kernel has forgotten it
  };
  std::chrono::nanoseconds timeout_;
  std::map<std::pair<service_key, dest_key>, entry> entries_;
};

}  // namespace lbd::ipvs

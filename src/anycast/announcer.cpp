// SPDX-License-Identifier: GPL-2.0-or-later
#include "anycast/announcer.hpp"

#include <algorithm>

namespace lbd::anycast {

prefix host_route(const ip_address& a) { return prefix{a, a.is_v4() ? 32U : 128U}; }

void announcer::configure(const std::vector<group_spec>& groups) {
  std::vector<group_state> next;
  next.reserve(groups.size());
  for (const auto& spec : groups) {
    const auto old =
        std::find_if(groups_.begin(), groups_.end(), [&](const group_state& g) { return g.spec.name == spec.name; });
    if (old == groups_.end()) {
      next.push_back(group_state{spec, health_gate(spec.marks), {}, "waiting for the first IPVS pass", false});
      if (stopped_) (void)next.back().gate.stop();
      continue;
    }
    group_state kept = std::move(*old);
    if (kept.spec.marks.low_percent != spec.marks.low_percent ||
        kept.spec.marks.high_percent != spec.marks.high_percent) {
      kept.gate = health_gate(spec.marks, kept.gate.announced());
      if (stopped_) (void)kept.gate.stop();
    }
    kept.spec = spec;
    next.push_back(std::move(kept));
  }
  groups_ = std::move(next);
}

std::vector<announcement_change> announcer::update(const std::map<std::string, weight_sum>& weights) {
  std::vector<announcement_change> out;
  for (auto& g : groups_) {
    const auto it = weights.find(g.spec.name);
    g.weights = it == weights.end() ? weight_sum{} : it->second;
    if (auto change = g.gate.update(g.weights.live, g.weights.configured)) {
      g.reason = change->reason;
      g.decided = true;
      out.push_back({g.spec.name, change->announce, std::move(change->reason)});
    } else if (!g.decided) {
      // Never announced yet: say why, for lbctl, without calling it a change.
      if (stopped_) {
        g.reason = "lbd is stopping";
      } else if (g.weights.live == 0) {
        g.reason = "no live weight yet";
      } else {
        g.reason = "live weight below the high watermark " + std::to_string(g.spec.marks.high_percent) + "%";
      }
    }
  }
  return out;
}

std::vector<announcement_change> announcer::stop() {
  stopped_ = true;
  std::vector<announcement_change> out;
  for (auto& g : groups_) {
    if (auto change = g.gate.stop()) {
      g.reason = change->reason;
      g.decided = true;
      out.push_back({g.spec.name, false, std::move(change->reason)});
    }
  }
  return out;
}

std::vector<prefix> announcer::routes() const {
  std::vector<prefix> out;
  for (const auto& g : groups_) {
    if (!g.gate.announced()) continue;
    for (const auto& ip : g.spec.virtual_ips) out.push_back(host_route(ip));
  }
  return out;
}

}  // namespace lbd::anycast

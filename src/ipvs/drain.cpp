// SPDX-License-Identifier: GPL-2.0-or-later
#include "ipvs/drain.hpp"

namespace lbd::ipvs {

std::string_view to_string(drain_event_kind k) {
  switch (k) {
    case drain_event_kind::started: return "started";
    case drain_event_kind::finished_idle: return "finished (no connections left)";
    case drain_event_kind::finished_timeout: return "finished (drain timeout)";
    case drain_event_kind::recovered: return "recovered";
  }
  return "unknown";
}

std::set<std::pair<service_key, dest_key>> drain_tracker::draining_now() const {
  std::set<std::pair<service_key, dest_key>> out;
  for (const auto& [k, e] : entries_) {
    if (!e.done) out.insert(k);
  }
  return out;
}

std::size_t drain_tracker::draining_count() const {
  std::size_t n = 0;
  for (const auto& [k, e] : entries_) n += e.done ? 0 : 1;
  return n;
}

bool drain_tracker::settled(const table& kernel, const table& desired, const ownership& drained,
                            const ownership* within) const {
  for (const auto& tracked : entries_) {
    if (within == nullptr || within->count(tracked.first.first) != 0) return false;
  }
  for (const auto& svc : drained) {
    const auto k = kernel.find(svc);
    const auto d = desired.find(svc);
    if (k == kernel.end() || d == desired.end()) continue;
    for (const auto& [dk, dv] : k->second.dests) {
      if (d->second.dests.count(dk) == 0) return false;
    }
  }
  return true;
}

drain_tracker::outcome drain_tracker::update(const table& kernel, table desired, const ownership& drained,
                                             clock::time_point now, const ownership* within) {
  outcome out;
  // Forget what is gone from the kernel or back in the desired table.
  for (auto it = entries_.begin(); it != entries_.end();) {
    const auto& [svc, dst] = it->first;
    if (within != nullptr && within->count(svc) == 0) {
      ++it;
      continue;
    }
    const auto k = kernel.find(svc);
    const bool in_kernel = k != kernel.end() && k->second.dests.count(dst) != 0;
    const auto d = desired.find(svc);
    const bool wanted = d != desired.end() && d->second.dests.count(dst) != 0;
    if (wanted && !it->second.done) out.events.push_back({drain_event_kind::recovered, svc, dst});
    if (wanted || !in_kernel || d == desired.end() || drained.count(svc) == 0) {
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }

  for (const auto& svc : drained) {
    const auto k = kernel.find(svc);
    auto d = desired.find(svc);
    if (k == kernel.end() || d == desired.end()) continue;
    for (const auto& [dk, dv] : k->second.dests) {
      if (d->second.dests.count(dk) != 0) continue;
      auto [it, fresh] = entries_.try_emplace({svc, dk}, entry{now, false});
      entry& e = it->second;
      if (e.done) continue;
      if (fresh) out.events.push_back({drain_event_kind::started, svc, dk});
      const auto& c = dv.counters;
      if (static_cast<std::uint64_t>(c.active) + c.inactive == 0) {
        out.events.push_back({drain_event_kind::finished_idle, svc, dk});
        e.done = true;
        continue;
      }
      if (now - e.since >= timeout_) {
        out.events.push_back({drain_event_kind::finished_timeout, svc, dk});
        e.done = true;
        continue;
      }
      dest kept = dv;
      kept.attrs.weight = 0;
      d->second.dests.emplace(dk, kept);
    }
  }
  out.desired = std::move(desired);
  return out;
}

}  // namespace lbd::ipvs

// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/services/group_view.hpp"

namespace lbd::daemon {

void add_to(ipvs::stats& total, const ipvs::stats& s) {
  total.conns += s.conns;
  total.inpkts += s.inpkts;
  total.outpkts += s.outpkts;
  total.inbytes += s.inbytes;
  total.outbytes += s.outbytes;
  total.cps += s.cps;
  total.inpps += s.inpps;
  total.outpps += s.outpps;
  total.inbps += s.inbps;
  total.outbps += s.outbps;
}

group_view::group_view(const ipvs::table& t, const std::vector<ipvs::service_key>& keys) {
  std::vector<const ipvs::service*> present;
  present.reserve(keys.size());
  for (const auto& k : keys) {
    const auto it = t.find(k);
    if (it != t.end()) present.push_back(&it->second);
  }
  if (present.empty()) return;
  if (present.size() == 1) {
    single_ = present.front();
    return;
  }
  merged_ = *present.front();
  for (std::size_t i = 1; i < present.size(); ++i) {
    add_to(merged_->stats, present[i]->stats);
    for (const auto& [dk, d] : present[i]->dests) {
      auto [it, fresh] = merged_->dests.try_emplace(dk, d);
      if (fresh) continue;
      auto& c = it->second.counters;
      c.active += d.counters.active;
      c.inactive += d.counters.inactive;
      c.persistent += d.counters.persistent;
      add_to(c.stats, d.counters.stats);
    }
  }
}

}  // namespace lbd::daemon

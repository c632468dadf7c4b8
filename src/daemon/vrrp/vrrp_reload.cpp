// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/vrrp/vrrp_reload.hpp"

#include <algorithm>

#include "config/to_json.hpp"

namespace lbd::daemon {
namespace {

// The table as lbd.conf spells it, every default resolved, minus what a running instance can take
// without a restart.
config::json restart_relevant(const config::vrrp_instance& v) {
  auto j = config::to_json(v);
  j.erase("notify");
  j.erase("sync_group");
  return j;
}

const config::vrrp_instance* find(const std::vector<config::vrrp_instance>& v, const std::string& name) {
  auto it = std::find_if(v.begin(), v.end(), [&](const config::vrrp_instance& x) { return x.name == name; });
  return it == v.end() ? nullptr : &*it;
}

}  // namespace

bool needs_restart(const config::vrrp_instance& running, const config::vrrp_instance& wanted) {
  return restart_relevant(running) != restart_relevant(wanted);
}

vrrp_reload_plan plan_reload(const std::vector<config::vrrp_instance>& running,
                             const std::vector<config::vrrp_instance>& wanted) {
  vrrp_reload_plan p;
  for (const auto& w : wanted) {
    const auto* r = find(running, w.name);
    if (r == nullptr) {
      p.start.push_back(w.name);
    } else if (needs_restart(*r, w)) {
      p.restart.push_back(w.name);
    } else {
      p.keep.push_back(w.name);
    }
  }
  for (const auto& r : running) {
    if (find(wanted, r.name) == nullptr) p.stop.push_back(r.name);
  }
  return p;
}

}  // namespace lbd::daemon

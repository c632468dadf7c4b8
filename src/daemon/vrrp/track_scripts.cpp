// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/vrrp/track_scripts.hpp"

namespace lbd::daemon {

track_scripts::track_scripts(boost::asio::io_context& io, metrics::registry& metrics, report on_result)
    : io_(io), metrics_(metrics), report_(std::move(on_result)) {}

void track_scripts::apply(const std::vector<config::vrrp_instance>& instances, const std::set<std::string>& restarted) {
  std::map<key, entry> next;
  for (const auto& v : instances) {
    for (const auto& t : v.track_scripts) {
      key k{v.name, t.name};
      auto old = runners_.find(k);
      if (old != runners_.end() && old->second.script == t && restarted.count(v.name) == 0) {
        next.emplace(k, std::move(old->second));
        runners_.erase(old);
        continue;
      }
      auto runner = std::make_unique<track_script_runner>(
          io_, v.name, t, metrics_,
          [this, instance = v.name](const std::string& script, bool ok) { report_(instance, script, ok); });
      runner->start();
      next.emplace(k, entry{t, std::move(runner)});
    }
  }
  runners_ = std::move(next);  // the runners left behind stop as they are destroyed
}

void track_scripts::stop() { runners_.clear(); }

}  // namespace lbd::daemon

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The [[vrrp]] track scripts of the running config, run on the main loop: starting a program never
// happens on the VRRP thread. Each run's success goes to `report` (the daemon posts it to the VRRP
// thread, where the instance applies rise/fall and the weight).
#include <boost/asio/io_context.hpp>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/metrics.hpp"
#include "config/model.hpp"
#include "daemon/vrrp/track_script_runner.hpp"

namespace lbd::daemon {

class track_scripts {
 public:
  using report = std::function<void(const std::string& instance, const std::string& script, bool success)>;

  track_scripts(boost::asio::io_context& io, metrics::registry& metrics, report on_result);

  // Brings the runners to `instances`: a script whose instance and definition are unchanged keeps
  // running; the scripts of the instances in `restarted` start again at once (a restarted
  // instance wants a fresh result), as do new ones; the others stop.
  void apply(const std::vector<config::vrrp_instance>& instances, const std::set<std::string>& restarted);
  void stop();

  [[nodiscard]] std::size_t running() const { return runners_.size(); }

 private:
  using key = std::pair<std::string, std::string>;  // instance, script
  struct entry {
    config::track_script script;
    std::unique_ptr<track_script_runner> runner;
  };

  boost::asio::io_context& io_;
  metrics::registry& metrics_;
  report report_;
  std::map<key, entry> runners_;
};

}  // namespace lbd::daemon

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The shell around one virtual server's policy: subscribes each real server's checks in the shared
// registry (identical checks across services run once), combines a server's several checks into one
// state (combine_checks: up while all are), feeds results to the pure
// service_policy, logs its events, runs their hooks through the hook runner (common/hook_runner), keeps
// lbd_realserver_up{service,server} and lbd_service_quorum{service}, and tells its owner when the desired
// set changed.
#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/hook_runner.hpp"
#include "common/log.hpp"
#include "common/metrics.hpp"
#include "healthcheck/policy.hpp"
#include "healthcheck/registry.hpp"

namespace lbd::healthcheck {

// A real server's own notify hook (real_server.notify.up / .down) for one of its policy events:
// the documented arguments appended (server_hook_argv), labelled "service[web] real server
// 10.0.1.11:80 up", kind "realserver_notify". An empty command gives an empty argv (nothing runs).
hook_request server_hook_request(const std::vector<std::string>& command, const std::string& service,
                                 const policy_event& e);

class service_monitor {
 public:
  using change_handler = std::function<void(const desired_service&, const std::vector<policy_event>&)>;

  // `check` is the template for every real server: its target address is replaced by the server's,
  // and its port too unless the template sets one (a check on another port than the service's).
  service_monitor(boost::asio::any_io_executor ex, registry& checks, metrics::registry& m, service_config cfg,
                  const check_spec& check, change_handler on_change);
  // The checks of each real server (config order), each used as given; none: the server has no
  // check and is always up; several: it is up while all are. Each server starts up when all its
  // checks' initial states are.
  service_monitor(boost::asio::any_io_executor ex, registry& checks, metrics::registry& m, service_config cfg,
                  const std::vector<std::vector<check_spec>>& checks_per_server, change_handler on_change);
  service_monitor(const service_monitor&) = delete;
  service_monitor& operator=(const service_monitor&) = delete;
  ~service_monitor();

  [[nodiscard]] desired_service desired() const { return policy_.desired(); }
  // Check state of real server `i` (config order): its check's, or its checks' combined.
  // A server without a check reads as up.
  [[nodiscard]] const server_state& server(std::size_t i) const;
  // Sets lbd_realserver_up (and lbd_service_quorum) again for every server: after a monitor for the same service with
  // the same servers was destroyed (its destructor drops the series), e.g. on reload.
  void refresh_gauges();
  // Passive outlier detection took `server` out (`ejected`) or let it back: while out it is down
  // whatever its checks say, with `reason` as the event's. `quiet`: only the state, no event, log,
  // hook or change notice (a reload restoring what the replaced monitor had; its owner reconciles).
  void set_ejected(const endpoint& server, bool ejected, const std::string& reason, bool quiet = false);

 private:
  void on_check(std::size_t i, const check_event& e);
  void act(const std::vector<policy_event>& events);
  void set_gauge(std::size_t i, health h);
  void set_quorum_gauge();
  void subscribe_all(registry& checks, const std::vector<std::vector<check_spec>>& per_server);
  // Recomputes combined_ for server `i` (one with several checks) from its checks' states.
  const server_state& recombine(std::size_t i);

  boost::asio::any_io_executor ex_;
  metrics::registry& metrics_;
  service_policy policy_;
  log::logger log_;
  change_handler on_change_;
  hook_runner hooks_;
  // Per real server (config order), its checks' subscriptions; empty: no check.
  std::vector<std::vector<registry::subscription>> subscriptions_;
  // The labels ("check 2 (http)") and the combined state of the servers with several checks only.
  std::map<std::size_t, std::vector<std::string>> labels_;
  std::map<std::size_t, server_state> combined_;
  std::set<std::size_t> ejected_;  // servers taken out by outlier detection
  [[nodiscard]] health effective(std::size_t i, const server_state& st) const {
    return ejected_.count(i) != 0 ? health::down : st.assumed;
  }
};

}  // namespace lbd::healthcheck

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The shell around one virtual server's policy: subscribes a check per real server in the shared
// registry (identical checks across services run once), feeds results to the pure
// service_policy, logs its events, runs their hooks through the hook runner (common/hook_runner), keeps
// lbd_realserver_up{service,server} and lbd_service_quorum{service}, and tells its owner when the desired
// set changed.
#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <optional>
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
  // One check per real server (config order), each used as given; nullopt: the server has no check
  // and is always up. Each server starts in its check's initial state.
  service_monitor(boost::asio::any_io_executor ex, registry& checks, metrics::registry& m, service_config cfg,
                  const std::vector<std::optional<check_spec>>& checks_per_server, change_handler on_change);
  service_monitor(const service_monitor&) = delete;
  service_monitor& operator=(const service_monitor&) = delete;
  ~service_monitor();

  [[nodiscard]] desired_service desired() const { return policy_.desired(); }
  // Check state of real server `i` (config order).
  // A server without a check reads as up.
  [[nodiscard]] const server_state& server(std::size_t i) const;
  // Sets lbd_realserver_up (and lbd_service_quorum) again for every server: after a monitor for the same service with
  // the same servers was destroyed (its destructor drops the series), e.g. on reload.
  void refresh_gauges();

 private:
  void on_check(std::size_t i, const check_event& e);
  void act(const std::vector<policy_event>& events);
  void set_gauge(std::size_t i, health h);
  void set_quorum_gauge();
  void subscribe_all(registry& checks, const std::vector<std::optional<check_spec>>& per_server);

  boost::asio::any_io_executor ex_;
  metrics::registry& metrics_;
  service_policy policy_;
  log::logger log_;
  change_handler on_change_;
  hook_runner hooks_;
  std::vector<registry::subscription> subscriptions_;
};

}  // namespace lbd::healthcheck

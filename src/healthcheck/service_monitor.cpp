#include "healthcheck/service_monitor.hpp"

#include "common/process.hpp"

namespace lbd::healthcheck {

service_monitor::service_monitor(boost::asio::any_io_executor ex, registry& checks, metrics::registry& m,
                                 service_config cfg, const check_spec& check, change_handler on_change,
                                 duration hook_timeout)
    : ex_(std::move(ex)),
      metrics_(m),
      policy_(std::move(cfg), check.thresholds.initial),
      log_("service[" + policy_.config().name + "]"),
      on_change_(std::move(on_change)),
      hook_timeout_(hook_timeout) {
  const auto& servers = policy_.config().servers;
  subscriptions_.reserve(servers.size());
  for (std::size_t i = 0; i < servers.size(); ++i) {
    check_spec s = check;
    s.target.address = servers[i].address.address;
    if (check.target.port == 0) s.target.port = servers[i].address.port;
    subscriptions_.push_back(checks.subscribe(s, [this, i](const check_event& e) { on_check(i, e); }));
    // A check shared with another service may already know more than the initial assumption.
    const server_state& st = subscriptions_.back().state();
    if (st.current != status::pending) {
      policy_.on_server(servers[i].address, st.assumed, st.weight, st.last ? st.last->reason : "");
    }
    set_gauge(i, st.assumed);
  }
}

service_monitor::~service_monitor() {
  for (const auto& s : policy_.config().servers) {
    metrics_.remove("lbd_realserver_up", {{"service", policy_.config().name}, {"server", to_string(s.address)}});
  }
}

void service_monitor::on_check(std::size_t i, const check_event& e) {
  const desired_service before = policy_.desired();
  const auto& address = policy_.config().servers.at(i).address;
  auto events = policy_.on_server(address, e.state.assumed, e.state.weight, e.state.last ? e.state.last->reason : "");
  set_gauge(i, e.state.assumed);
  act(events);
  const desired_service after = policy_.desired();
  if ((!events.empty() || !(after == before)) && on_change_) on_change_(after, events);
}

void service_monitor::set_gauge(std::size_t i, health h) {
  metrics_
      .get_gauge("lbd_realserver_up", "Real server healthy (1) or not (0)",
                 {{"service", policy_.config().name}, {"server", to_string(policy_.config().servers.at(i).address)}})
      .set(h == health::up ? 1 : 0);
}

void service_monitor::act(const std::vector<policy_event>& events) {
  for (const auto& e : events) {
    switch (e.what) {
      case policy_event::kind::server_up:
      case policy_event::kind::server_down:
        log_.notice("real server {} {} ({})", to_string(*e.server),
                    e.what == policy_event::kind::server_up ? "up" : "down", e.reason);
        break;
      case policy_event::kind::quorum_up: log_.notice("quorum regained ({})", e.reason); break;
      case policy_event::kind::quorum_down:
        log_.notice("quorum lost ({}){}", e.reason, policy_.config().sorry_server ? ", sorry server active" : "");
        break;
    }
    metrics_
        .get_counter("lbd_service_events_total", "Service policy events",
                     {{"service", policy_.config().name}, {"event", std::string(to_string(e.what))}})
        .inc();
    if (e.hook_argv.empty()) continue;
    process::options opts;
    opts.argv = e.hook_argv;
    opts.timeout = hook_timeout_;
    process::async_run(ex_, std::move(opts),
                       [logger = log_, what = std::string(to_string(e.what))](const process::outcome& o) {
                         if (!o.started || o.timed_out || o.exit_code != 0) {
                           logger.warning("{} hook: {}", what, process::describe(o));
                         }
                       });
  }
}

}  // namespace lbd::healthcheck

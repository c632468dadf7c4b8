// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/service_monitor.hpp"

#include <algorithm>

#include "healthcheck/combined_checks.hpp"

namespace lbd::healthcheck {

namespace {

std::vector<std::vector<check_spec>> from_template(const service_config& cfg, const check_spec& check) {
  std::vector<std::vector<check_spec>> out;
  out.reserve(cfg.servers.size());
  for (const auto& server : cfg.servers) {
    check_spec s = check;
    s.target.address = server.address.address;
    if (check.target.port == 0) s.target.port = server.address.port;
    out.push_back({std::move(s)});
  }
  return out;
}

std::vector<health> initial_states(const std::vector<std::vector<check_spec>>& per_server) {
  std::vector<health> out;
  out.reserve(per_server.size());
  for (const auto& checks : per_server) {
    const bool up = std::all_of(checks.begin(), checks.end(),
                                [](const check_spec& c) { return c.thresholds.initial == health::up; });
    out.push_back(up ? health::up : health::down);
  }
  return out;
}

const server_state& always_up() {
  static const server_state up{status::up, health::up, std::nullopt, 0, 0, 0, std::nullopt, std::nullopt, duration{0}};
  return up;
}

}  // namespace

hook_request server_hook_request(const std::vector<std::string>& command, const std::string& service,
                                 const policy_event& e) {
  hook_request h;
  const bool up = e.what == policy_event::kind::server_up;
  const std::string server = e.server ? to_string(*e.server) : "";
  if (!command.empty() && e.server) h.argv = server_hook_argv(command, service, *e.server, up, e.reason);
  h.label = fmt::format("service[{}] real server {} {}", service, server, up ? "up" : "down");
  h.kind = "realserver_notify";
  return h;
}

service_monitor::service_monitor(boost::asio::any_io_executor ex, registry& checks, metrics::registry& m,
                                 service_config cfg, const check_spec& check, change_handler on_change)
    : ex_(std::move(ex)),
      metrics_(m),
      policy_(std::move(cfg), check.thresholds.initial),
      log_("service[" + policy_.config().name + "]", {{log::service_field, policy_.config().name}}),
      on_change_(std::move(on_change)),
      hooks_(ex_, &m) {
  subscribe_all(checks, from_template(policy_.config(), check));
}

service_monitor::service_monitor(boost::asio::any_io_executor ex, registry& checks, metrics::registry& m,
                                 service_config cfg, const std::vector<std::vector<check_spec>>& checks_per_server,
                                 change_handler on_change)
    : ex_(std::move(ex)),
      metrics_(m),
      policy_(std::move(cfg), initial_states(checks_per_server)),
      log_("service[" + policy_.config().name + "]", {{log::service_field, policy_.config().name}}),
      on_change_(std::move(on_change)),
      hooks_(ex_, &m) {
  subscribe_all(checks, checks_per_server);
}

void service_monitor::subscribe_all(registry& checks, const std::vector<std::vector<check_spec>>& per_server) {
  const auto& servers = policy_.config().servers;
  subscriptions_.resize(servers.size());
  for (std::size_t i = 0; i < servers.size(); ++i) {
    const auto& own = i < per_server.size() ? per_server[i] : std::vector<check_spec>{};
    if (own.size() > 1) {
      auto& labels = labels_[i];
      for (std::size_t j = 0; j < own.size(); ++j) labels.push_back(check_label(j, type_name(own[j].params)));
    }
    subscriptions_[i].reserve(own.size());
    for (const auto& spec : own) {
      subscriptions_[i].push_back(checks.subscribe(spec, [this, i](const check_event& e) { on_check(i, e); }));
    }
    if (own.size() > 1) recombine(i);
    // A check shared with another service may already know more than the initial assumption.
    const server_state& st = server(i);
    if (st.current != status::pending) {
      policy_.on_server(servers[i].address, st.assumed, st.weight, st.last ? st.last->reason : "");
    }
    set_gauge(i, st.assumed);
  }
  set_quorum_gauge();
}

const server_state& service_monitor::recombine(std::size_t i) {
  const auto& subs = subscriptions_.at(i);
  const auto& labels = labels_.at(i);
  std::vector<labelled_state> states;
  states.reserve(subs.size());
  for (std::size_t j = 0; j < subs.size(); ++j) states.push_back({labels.at(j), &subs[j].state()});
  return combined_[i] = combine_checks(states);
}

const server_state& service_monitor::server(std::size_t i) const {
  const auto& subs = subscriptions_.at(i);
  if (subs.empty()) return always_up();
  if (subs.size() == 1) return subs.front().state();
  return combined_.at(i);
}

void service_monitor::refresh_gauges() {
  for (std::size_t i = 0; i < subscriptions_.size(); ++i) set_gauge(i, server(i).assumed);
  set_quorum_gauge();
}

service_monitor::~service_monitor() {
  for (const auto& s : policy_.config().servers) {
    metrics_.remove("lbd_realserver_up", {{"service", policy_.config().name}, {"server", to_string(s.address)}});
  }
  metrics_.remove("lbd_service_quorum", {{"service", policy_.config().name}});
}

void service_monitor::on_check(std::size_t i, const check_event& e) {
  const desired_service before = policy_.desired();
  const auto& address = policy_.config().servers.at(i).address;
  // One check: its event is the server's state. Several: the server's state is theirs combined.
  const server_state& st = subscriptions_.at(i).size() > 1 ? recombine(i) : e.state;
  auto events = policy_.on_server(address, effective(i, st), st.weight, st.last ? st.last->reason : "");
  set_gauge(i, effective(i, st));
  set_quorum_gauge();
  act(events);
  const desired_service after = policy_.desired();
  if ((!events.empty() || !(after == before)) && on_change_) on_change_(after, events);
}

void service_monitor::set_ejected(const endpoint& server, bool ejected, const std::string& reason, bool quiet) {
  const auto& servers = policy_.config().servers;
  const auto it = std::find_if(servers.begin(), servers.end(),
                               [&server](const real_server_config& c) { return c.address == server; });
  if (it == servers.end()) return;
  const auto i = static_cast<std::size_t>(it - servers.begin());
  if (ejected == (ejected_.count(i) != 0)) return;
  if (ejected) {
    ejected_.insert(i);
  } else {
    ejected_.erase(i);
  }
  const desired_service before = policy_.desired();
  const server_state& st = this->server(i);
  auto events = policy_.on_server(server, effective(i, st), st.weight, reason);
  set_gauge(i, effective(i, st));
  set_quorum_gauge();
  if (quiet) return;
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

void service_monitor::set_quorum_gauge() {
  metrics_
      .get_gauge("lbd_service_quorum",
                 "Service has quorum (1): the live weight of its real servers reaches its quorum; 0: lost",
                 {{"service", policy_.config().name}})
      .set(policy_.desired().quorum ? 1 : 0);
}

void service_monitor::act(const std::vector<policy_event>& events) {
  for (const auto& e : events) {
    // if/else rather than a switch: clang's use-after-scope check misreads the lifetime of the
    // temporary line object in a case label.
    const bool server = e.what == policy_event::kind::server_up || e.what == policy_event::kind::server_down;
    if (server) {
      const bool up = e.what == policy_event::kind::server_up;
      log_.with({{log::event_field, up ? "server_up" : "server_down"},
                 {log::server_field, to_string(*e.server)},
                 {log::reason_field, e.reason}})
          .notice("real server {} {} ({})", to_string(*e.server), up ? "up" : "down", e.reason);
    } else if (e.what == policy_event::kind::weight_changed) {
      log_.with({{log::event_field, "server_weight"},
                 {log::server_field, to_string(*e.server)},
                 {log::reason_field, e.reason}})
          .notice("real server {} {}", to_string(*e.server), e.reason);
    } else if (e.what == policy_event::kind::quorum_up) {
      log_.with({{log::event_field, "quorum_regained"}, {log::reason_field, e.reason}})
          .notice("quorum regained ({})", e.reason);
    } else {
      log_.with({{log::event_field, "quorum_lost"}, {log::reason_field, e.reason}})
          .notice("quorum lost ({}){}", e.reason, policy_.config().sorry_server ? ", sorry server active" : "");
    }
    metrics_
        .get_counter("lbd_service_events_total", "Service policy events",
                     {{"service", policy_.config().name}, {"event", std::string(to_string(e.what))}})
        .inc();
    if (e.hook_argv.empty()) continue;
    const bool quorum = !server;
    hook_request h;
    h.argv = e.hook_argv;
    h.kind = quorum ? "quorum" : "realserver_notify";
    h.label = quorum ? fmt::format("service[{}] quorum {}", policy_.config().name,
                                   e.what == policy_event::kind::quorum_up ? "up" : "down")
                     : fmt::format("service[{}] real server {} {}", policy_.config().name, to_string(*e.server),
                                   e.what == policy_event::kind::server_up ? "up" : "down");
    hooks_.run(std::move(h));
  }
}

}  // namespace lbd::healthcheck

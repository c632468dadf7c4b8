// SPDX-License-Identifier: GPL-2.0-or-later
// Several checks per real server: the pure combination of their states, and a service monitor whose
// servers have two checks each, over a fake prober on fake time.
#include "healthcheck/combined_checks.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <set>
#include <vector>

#include "healthcheck/fake_time.hpp"
#include "healthcheck/registry.hpp"
#include "healthcheck/service_monitor.hpp"

namespace lbd::healthcheck {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

server_state state_of(status current, health assumed, std::string reason, std::optional<unsigned> weight = {}) {
  server_state s;
  s.current = current;
  s.assumed = assumed;
  s.probes = 3;
  s.weight = weight;
  if (current != status::pending) {
    s.last = current == status::up ? probe_ok(reason, milliseconds(1)) : probe_fail("status", reason, milliseconds(1));
  }
  return s;
}

TEST(combine_checks, up_only_while_every_check_is_up) {
  const auto up = state_of(status::up, health::up, "HTTP 200");
  const auto down = state_of(status::down, health::down, "connection refused");
  std::vector<labelled_state> both{{"check 1 (http)", &up}, {"check 2 (tcp)", &up}};
  auto s = combine_checks(both);
  EXPECT_EQ(s.assumed, health::up);
  EXPECT_EQ(s.current, status::up);
  EXPECT_EQ(s.last->reason, "all 2 checks pass");
  EXPECT_EQ(s.probes, 6U);

  both[1].state = &down;
  s = combine_checks(both);
  EXPECT_EQ(s.assumed, health::down);
  EXPECT_EQ(s.current, status::down);
  EXPECT_EQ(s.last->reason, "check 2 (tcp): connection refused");
  EXPECT_FALSE(s.last->ok);

  both[0].state = &down;
  EXPECT_EQ(combine_checks(both).last->reason, "check 1 (http): connection refused; check 2 (tcp): connection refused");
}

TEST(combine_checks, pending_and_initial_states) {
  auto waiting_up = state_of(status::pending, health::up, "");
  auto waiting_down = state_of(status::pending, health::down, "");
  const auto up = state_of(status::up, health::up, "ok");
  std::vector<labelled_state> checks{{"check 1 (tcp)", &up}, {"check 2 (script)", &waiting_up}};
  auto s = combine_checks(checks);
  EXPECT_EQ(s.current, status::pending);  // no verdict of its own until every check has one
  EXPECT_EQ(s.assumed, health::up);
  checks[1].state = &waiting_down;
  s = combine_checks(checks);
  EXPECT_EQ(s.assumed, health::down);
  EXPECT_EQ(s.last->reason, "check 2 (script): no result yet");
}

TEST(combine_checks, the_lowest_dynamic_weight_counts) {
  const auto plain = state_of(status::up, health::up, "ok");
  const auto ten = state_of(status::up, health::up, "ok", 10);
  const auto four = state_of(status::up, health::up, "ok", 4);
  std::vector<labelled_state> checks{{"a", &plain}, {"b", &ten}};
  EXPECT_EQ(combine_checks(checks).weight, 10U);
  checks.push_back({"c", &four});
  EXPECT_EQ(combine_checks(checks).weight, 4U);
  checks = {{"a", &plain}};
  EXPECT_FALSE(combine_checks(checks).weight);
}

// Answers every probe at once: ok while its target's port is in `healthy`.
class port_prober final : public prober {
 public:
  explicit port_prober(asio::io_context& io) : io_(io) {}
  void async_probe(const endpoint& target, const check_params&, duration, probe_handler h) override {
    const bool ok = healthy.count(target.port) != 0;
    asio::post(io_, [ok, h = std::move(h), port = target.port] {
      h(ok ? probe_ok("fine", milliseconds(1))
           : probe_fail("refused", fmt::format("port {} refused", port), milliseconds(1)));
    });
  }
  std::set<std::uint16_t> healthy;

 private:
  asio::io_context& io_;
};

check_spec tcp_check(const char* target) {
  check_spec s;
  s.target = parse_endpoint(target).value();
  s.params = tcp_params{};
  s.timing.interval = milliseconds(10);
  s.timing.timeout = milliseconds(5);
  s.timing.retry_delay = milliseconds(10);
  s.thresholds = {1, 1, health::down};
  return s;
}

template <typename Pred>
bool advance_until(fake_time& time, Pred pred) {
  for (int ms = 0; !pred(); ++ms) {
    if (ms > 1000) return false;
    time.advance(milliseconds(1));
  }
  return true;
}

TEST(service_monitor_checks, a_server_with_two_checks_is_up_only_while_both_pass) {
  asio::io_context io;
  fake_time time{io};
  port_prober probes{io};
  metrics::registry m;
  registry checks{io.get_executor(), probes, m, time};
  service_config cfg;
  cfg.name = "web";
  cfg.servers = {{parse_endpoint("10.0.1.11:80").value(), 3}, {parse_endpoint("10.0.1.12:80").value(), 2}};
  // Server 1: its service port and a side port; server 2: one check only.
  std::vector<std::vector<check_spec>> per_server{{tcp_check("10.0.1.11:80"), tcp_check("10.0.1.11:8080")},
                                                  {tcp_check("10.0.1.12:80")}};
  std::vector<policy_event> events;
  service_monitor mon(io.get_executor(), checks, m, cfg, per_server,
                      [&](const desired_service&, const std::vector<policy_event>& e) {
                        events.insert(events.end(), e.begin(), e.end());
                      });
  EXPECT_EQ(checks.running_checks(), 3U);
  probes.healthy = {80, 8080};
  ASSERT_TRUE(advance_until(time, [&] { return mon.desired().live_weight == 5; }));
  EXPECT_EQ(mon.server(0).last->reason, "all 2 checks pass");
  EXPECT_EQ(m.value("lbd_realserver_up", {{"service", "web"}, {"server", "10.0.1.11:80"}}), 1.0);

  probes.healthy = {80};  // the side port fails: server 1 is down though its first check passes
  ASSERT_TRUE(advance_until(time, [&] { return mon.desired().live_weight == 2; }));
  EXPECT_EQ(mon.server(0).current, status::down);
  EXPECT_EQ(mon.server(0).last->reason, "check 2 (tcp): port 8080 refused");
  EXPECT_EQ(m.value("lbd_realserver_up", {{"service", "web"}, {"server", "10.0.1.11:80"}}), 0.0);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().what, policy_event::kind::server_down);
  EXPECT_EQ(events.back().reason, "check 2 (tcp): port 8080 refused");

  probes.healthy = {80, 8080};
  ASSERT_TRUE(advance_until(time, [&] { return mon.desired().live_weight == 5; }));
  EXPECT_EQ(events.back().what, policy_event::kind::server_up);
  EXPECT_EQ(events.back().reason, "all 2 checks pass");
}

}  // namespace
}  // namespace lbd::healthcheck

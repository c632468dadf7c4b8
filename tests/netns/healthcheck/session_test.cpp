// SPDX-License-Identifier: GPL-2.0-or-later
// The whole chain on real servers: scheduler + prober + thresholds in the dedup registry, and the
// service monitor with its policy and hooks.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "healthcheck/probers.hpp"
#include "healthcheck/registry.hpp"
#include "healthcheck/service_monitor.hpp"
#include "support.hpp"

namespace lbd::healthcheck {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using test::local_server;

struct chain_test : ::testing::Test {
  boost::asio::io_context io;
  metrics::registry m;
  std::unique_ptr<prober_set> probers = prober_set::make_default(io.get_executor());
  registry checks{io.get_executor(), *probers, m};

  template <typename Pred>
  bool run_until(Pred pred, std::chrono::seconds limit = seconds(30)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!pred()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      io.run_one_for(milliseconds(20));
    }
    return true;
  }

  static check_spec http_check(const endpoint& target, unsigned rise, unsigned fall) {
    check_spec s;
    s.target = target;
    s.params = http_params{};
    s.timing.interval = milliseconds(50);
    s.timing.timeout = milliseconds(500);
    s.thresholds = {rise, fall, health::down};
    return s;
  }
};

TEST_F(chain_test, FlappingFasterThanRiseFallNeverComesUp) {
  local_server srv({"http-flap", "2"});  // 200 200 500 500 200 200 ...
  std::vector<bool> results;
  auto sub = checks.subscribe(http_check(srv.target(), 3, 3),
                              [&](const check_event& e) { results.push_back(e.state.last->ok); });
  ASSERT_TRUE(run_until([&] { return results.size() >= 12; }));
  EXPECT_EQ(results, (std::vector<bool>{true, true, false, false, true, true, false, false, true, true, false, false}));
  EXPECT_EQ(sub.state().current, status::down);
  EXPECT_EQ(m.value("lbd_check_transitions_total", {{"type", "http"}, {"to", "up"}}), 0.0);
}

TEST_F(chain_test, FlappingSlowerThanRiseFallIsFollowed) {
  local_server srv({"http-flap", "4"});  // four 200s, four 500s, ...
  std::vector<status> seen;
  auto sub = checks.subscribe(http_check(srv.target(), 3, 3), [&](const check_event& e) {
    if (e.status_changed) seen.push_back(e.state.current);
  });
  ASSERT_TRUE(run_until([&] { return seen.size() >= 4; }));
  EXPECT_EQ(seen, (std::vector<status>{status::down, status::up, status::down, status::up}));
  EXPECT_EQ(sub.state().last->reason.rfind("HTTP 200 from", 0), 0U);
}

TEST_F(chain_test, MalformedAnswersAreDroppedAndCounted) {
  local_server srv({"tcp-garbage"});
  int results = 0;
  auto sub = checks.subscribe(http_check(srv.target(), 1, 1), [&](const check_event&) { ++results; });
  ASSERT_TRUE(run_until([&] { return results >= 3; }));
  EXPECT_EQ(sub.state().current, status::down);
  EXPECT_EQ(sub.state().last->kind, "malformed");
  EXPECT_GE(m.value("lbd_check_results_total", {{"type", "http"}, {"result", "malformed"}}), 3.0);
}

TEST_F(chain_test, ServiceMonitorDedupsChecksRunsHooksAndLosesQuorum) {
  test::temp_dir dir;
  const std::string log = (dir.path() / "hooks.log").string();
  const std::string hook = dir.write_script("hook.sh", "#!/bin/sh\necho \"$@\" >> " + log + "\n");
  auto a = std::make_unique<local_server>(std::vector<std::string>{"http-ok"});
  local_server b({"http-ok"});
  service_config cfg;
  cfg.name = "web";
  cfg.servers = {{a->target(), 2}, {b.target(), 1}};
  cfg.quorum = 2;
  cfg.sorry_server = parse_endpoint("127.0.0.1:1").value();
  cfg.notify_up = {hook};
  cfg.notify_down = {hook};
  cfg.quorum_down = {hook, "quorum-lost"};
  service_config other = cfg;
  other.name = "web-alt";
  other.notify_up.clear();
  other.notify_down.clear();
  other.quorum_down.clear();
  check_spec tmpl = http_check(endpoint{}, 1, 2);
  tmpl.target.port = 0;  // the servers' own ports
  std::vector<desired_service> changes;
  service_monitor web(io.get_executor(), checks, m, cfg, tmpl,
                      [&](const desired_service& d, const std::vector<policy_event>&) { changes.push_back(d); });
  service_monitor alt(io.get_executor(), checks, m, other, tmpl, [](const desired_service&, const auto&) {});
  EXPECT_EQ(checks.running_checks(), 2U);  // two services x two servers, one check per server
  ASSERT_TRUE(run_until([&] { return web.desired().live_weight == 3 && alt.desired().live_weight == 3; }));
  EXPECT_TRUE(web.desired().quorum);
  EXPECT_EQ(m.value("lbd_realserver_up", {{"service", "web"}, {"server", to_string(b.target())}}), 1.0);
  const endpoint a_target = a->target();
  a.reset();  // the weight-2 server dies: live weight 1 < quorum 2
  ASSERT_TRUE(run_until([&] { return !web.desired().quorum; }));
  const auto d = web.desired();
  EXPECT_TRUE(d.sorry_active);
  ASSERT_EQ(d.servers.size(), 2U);
  EXPECT_EQ(d.servers[0], (desired_server{a_target, 0, true}));
  EXPECT_EQ(m.value("lbd_realserver_up", {{"service", "web"}, {"server", to_string(a_target)}}), 0.0);
  EXPECT_EQ(web.server(0).current, status::down);
  EXPECT_NE(web.server(0).last->reason.find("connection refused by " + to_string(a_target)), std::string::npos);
  // Hooks ran (asynchronously): up for both, down for a, quorum lost.
  auto hook_lines = [&] {
    std::ifstream in(log);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  // The hooks run concurrently: wait for both.
  ASSERT_TRUE(run_until([&] {
    const auto l = hook_lines();
    return l.find("quorum-lost") != std::string::npos && l.find(" down ") != std::string::npos;
  }));
  const std::string lines = hook_lines();
  EXPECT_NE(lines.find("web " + to_string(b.target()) + " up HTTP 200 from " + to_string(b.target())),
            std::string::npos)
      << lines;
  EXPECT_NE(lines.find("web " + to_string(a_target) + " down connection refused by " + to_string(a_target)),
            std::string::npos)
      << lines;
  EXPECT_NE(lines.find("quorum-lost web 1 2"), std::string::npos) << lines;
  EXPECT_FALSE(changes.empty());
}

}  // namespace
}  // namespace lbd::healthcheck

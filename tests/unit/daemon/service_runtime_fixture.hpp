// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The fixture of the service runtime tests: the runtime over the in-memory IPVS (fake_backend,
// every call counted), a fake prober, and fake time driving the test's loop.
#include "daemon/services/service_runtime.hpp"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>

#include "config/diff.hpp"
#include "config/load.hpp"
#include "healthcheck/fake_time.hpp"
#include "ipvs/fake_backend.hpp"

namespace lbd::daemon::test {

namespace asio = boost::asio;
namespace hc = healthcheck;
using std::chrono::milliseconds;

// Every call counted, so a test can say "the kernel was never touched".
class counting_backend final : public ipvs::backend {
 public:
  result<ipvs::table, ipvs::ipvs_error> snapshot() override {
    ++calls;
    ++whole_reads;
    if (on_snapshot) on_snapshot();
    return fake.snapshot();
  }
  result<ipvs::table, ipvs::ipvs_error> snapshot_of(const ipvs::ownership& which) override {
    ++calls;
    ++scoped_reads;
    services_read += which.size();
    if (on_snapshot) on_snapshot();
    return fake.snapshot_of(which);
  }
  std::vector<ipvs::op_result> apply(const std::vector<ipvs::op>& ops) override {
    ++calls;
    writes += ops.size();
    std::vector<ipvs::op_result> out;
    for (const auto& o : ops) {
      kinds.push_back(o.kind);
      if (o.kind == ipvs::op_kind::set_timeouts) ++timeout_sets;
      if (o.kind == ipvs::op_kind::start_daemon && refuse_daemons) {
        out.push_back({ENODEV, "no such device"});
      } else {
        out.push_back(fake.apply({o}).front());
      }
    }
    return out;
  }
  result<ipvs::info, ipvs::ipvs_error> get_info() override {
    ++calls;
    return fake.get_info();
  }
  result<ipvs::timeouts, ipvs::ipvs_error> get_timeouts() override {
    ++calls;
    return fake.get_timeouts();
  }
  status<ipvs::ipvs_error> set_timeouts(const ipvs::timeouts& t) override {
    ++calls;
    ++timeout_sets;
    return fake.set_timeouts(t);
  }
  result<std::vector<ipvs::sync_daemon>, ipvs::ipvs_error> daemons() override {
    ++calls;
    return fake.daemons();
  }
  status<ipvs::ipvs_error> start_daemon(const ipvs::sync_daemon& d) override {
    ++calls;
    if (refuse_daemons) return unexpected(ipvs::ipvs_error{ENODEV, "no such device"});
    return fake.start_daemon(d);
  }
  status<ipvs::ipvs_error> stop_daemon(ipvs::daemon_state s) override {
    ++calls;
    return fake.stop_daemon(s);
  }
  ipvs::fake_backend fake;
  std::size_t calls = 0;
  std::size_t writes = 0;
  std::size_t timeout_sets = 0;
  std::size_t whole_reads = 0;    // the whole table
  std::size_t scoped_reads = 0;   // some services (a pass of changes)
  std::size_t services_read = 0;  // by those
  bool refuse_daemons = false;
  std::function<void()> on_snapshot;  // run as each read of the kernel starts
  std::vector<ipvs::op_kind> kinds;
};

// Answers every probe at once with the outcome set for its target (default: up; `answers` gives
// a whole result, e.g. a dynamic weight).
class fake_prober final : public hc::prober {
 public:
  explicit fake_prober(asio::io_context& io) : io_(io) {}
  void async_probe(const endpoint& target, const hc::check_params&, hc::duration, hc::probe_handler h) override {
    ++probes[target];
    hc::probe_result r = down.count(target) == 0 ? hc::probe_ok("fake ok", milliseconds(1))
                                                 : hc::probe_fail("refused", "fake refused", milliseconds(1));
    if (auto it = answers.find(target); it != answers.end()) r = it->second;
    asio::post(io_, [r = std::move(r), h = std::move(h)] { h(r); });
  }
  asio::io_context& io_;
  std::set<endpoint> down;
  std::map<endpoint, hc::probe_result> answers;
  std::map<endpoint, int> probes;
};

inline config::config load(const std::string& text) {
  auto r = config::load_string(text, "test.conf");
  for (const auto& d : r.diagnostics) {
    if (!r.ok()) ADD_FAILURE() << d.message;
  }
  return r.cfg.value();
}

inline endpoint ep(const char* s) { return parse_endpoint(s).value(); }
inline const auto web_key = ipvs::service_key::inet(ipvs::protocol::tcp, ep("192.0.2.10:80"));
inline ipvs::dest_key dk(const char* s) { return ipvs::dest_key{ep(s).address, ep(s).port}; }

inline std::string service(const std::string& extra_servers = "", const std::string& options = "") {
  return R"(
[global]
reconcile_interval = "1h"
[[virtual_server]]
name = "web"
address = "192.0.2.10:80"
scheduler = "rr"
)" + options +
         R"(
check = { type = "tcp", interval = "10ms", timeout = "5ms", rise = 1, fall = 1 }
[[virtual_server.real_server]]
address = "10.0.1.11:80"
[[virtual_server.real_server]]
address = "10.0.1.12:80"
weight = 2
)" + extra_servers;
}

struct service_runtime_test : ::testing::Test {
  asio::io_context io;
  hc::fake_time time{io};
  metrics::registry m;
  counting_backend kernel;
  fake_prober probes{io};
  std::unique_ptr<service_runtime> rt = std::make_unique<service_runtime>(io, m, kernel, probes, time);
  std::optional<config::config> applied;

  // Moves the fake clock in 1 ms steps until `pred` holds; false if a minute of fake time did not do.
  template <typename Pred>
  bool run_until(Pred pred) {
    time.settle();
    for (int ms = 0; ms < 60000 && !pred(); ++ms) time.advance(milliseconds(1));
    return pred();
  }

  // What the daemon does: the diff from the configuration applied before (a new runtime's first
  // apply ignores it).
  reconcile_report apply(const config::config& cfg) {
    auto report = rt->apply(cfg, config::diff(applied ? *applied : config::config{}, cfg));
    applied = cfg;
    return report;
  }

  std::size_t dests() {
    auto it = kernel.fake.kernel().find(web_key);
    return it == kernel.fake.kernel().end() ? 0 : it->second.dests.size();
  }
  bool has(const char* d) {
    auto it = kernel.fake.kernel().find(web_key);
    return it != kernel.fake.kernel().end() && it->second.dests.count(dk(d)) != 0;
  }
  std::uint32_t weight(const char* d) { return kernel.fake.kernel().at(web_key).dests.at(dk(d)).attrs.weight; }
  double weight_gauge(const char* d) { return m.value("lbd_realserver_weight", {{"service", "web"}, {"server", d}}); }
  void settle(std::size_t n) {
    ASSERT_TRUE(run_until([&] { return dests() == n; }));
  }
};

}  // namespace lbd::daemon::test

// SPDX-License-Identifier: GPL-2.0-or-later
// The service runtime over the in-memory IPVS (fake_backend) and a fake prober: what reaches the
// kernel on start, reload, overrides, drift, health changes and stop. Everything timed (checks, the
// periodic pass, the statistics reader) runs on fake time: a test moves the clock, and waits for a
// condition by advancing it in small steps up to a bound of fake time; no real time passes.
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

namespace lbd::daemon {
namespace {

namespace asio = boost::asio;
namespace hc = healthcheck;
using std::chrono::milliseconds;

// Every call counted, so a test can say "the kernel was never touched".
class counting_backend final : public ipvs::backend {
 public:
  result<ipvs::table, ipvs::ipvs_error> snapshot() override {
    ++calls;
    return fake.snapshot();
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
  bool refuse_daemons = false;
  std::vector<ipvs::op_kind> kinds;
};

// Answers every probe at once with the outcome set for its target (default: up).
class fake_prober final : public hc::prober {
 public:
  explicit fake_prober(asio::io_context& io) : io_(io) {}
  void async_probe(const endpoint& target, const hc::check_params&, hc::duration, hc::probe_handler h) override {
    ++probes[target];
    const bool ok = down.count(target) == 0;
    asio::post(io_, [ok, h = std::move(h)] {
      h(ok ? hc::probe_ok("fake ok", milliseconds(1)) : hc::probe_fail("refused", "fake refused", milliseconds(1)));
    });
  }
  asio::io_context& io_;
  std::set<endpoint> down;
  std::map<endpoint, int> probes;
};

config::config load(const std::string& text) {
  auto r = config::load_string(text, "test.conf");
  for (const auto& d : r.diagnostics) {
    if (!r.ok()) ADD_FAILURE() << d.message;
  }
  return r.cfg.value();
}

endpoint ep(const char* s) { return parse_endpoint(s).value(); }
const auto web_key = ipvs::service_key::inet(ipvs::protocol::tcp, ep("192.0.2.10:80"));
ipvs::dest_key dk(const char* s) { return ipvs::dest_key{ep(s).address, ep(s).port}; }

std::string service(const std::string& extra_servers = "", const std::string& options = "") {
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

TEST_F(service_runtime_test, NoVirtualServerNeverTouchesTheKernel) {
  auto cfg = load("[global]\n");
  cfg.global.reconcile_interval = milliseconds(10);  // below lbd.conf's minimum, for a short test
  apply(cfg);
  rt->reconcile();
  rt->refresh_kernel_stats();
  rt->on_vrrp_state("web", vrrp::state::master);
  EXPECT_TRUE(rt->services().empty());
  time.advance(milliseconds(30));
  rt->stop(config::exit_policy::remove);
  EXPECT_EQ(kernel.calls, 0U);
}

TEST_F(service_runtime_test, ProgramsServersOnceTheirChecksPass) {
  const auto report = apply(load(service()));
  EXPECT_EQ(report.ops, 1U);  // the service; its servers wait for their checks
  EXPECT_EQ(kernel.fake.kernel().at(web_key).attrs.scheduler, "rr");
  settle(2);
  EXPECT_EQ(weight("10.0.1.12:80"), 2U);
  const nlohmann::json s = rt->services();
  ASSERT_EQ(s.size(), 1U);
  EXPECT_EQ(s[0]["service"], "tcp 192.0.2.10:80");
  EXPECT_EQ(s[0]["real_servers"][1]["health"], "up");
  EXPECT_EQ(s[0]["real_servers"][1]["kernel_weight"], 2);
  EXPECT_EQ(rt->checks().size(), 2U);
  EXPECT_EQ(rt->reconcile().ops, 0U);
}

TEST_F(service_runtime_test, ReloadAddingAServerKeepsTheOthersChecksAndSendsOneOperation) {
  apply(load(service()));
  settle(2);
  const auto probes_before = probes.probes[ep("10.0.1.11:80")];
  const std::size_t writes = kernel.writes;
  const auto report = apply(load(service("[[virtual_server.real_server]]\naddress = \"10.0.1.13:80\"\n")));
  EXPECT_EQ(report.ops, 0U);
  // The unchanged servers are still up: their checks kept their state (no pending, no removal).
  const nlohmann::json s = rt->services();
  EXPECT_EQ(s[0]["real_servers"][0]["health"], "up");
  EXPECT_EQ(s[0]["real_servers"][1]["health"], "up");
  EXPECT_EQ(s[0]["real_servers"][2]["health"], "pending");
  settle(3);
  EXPECT_EQ(kernel.writes - writes, 1U);
  EXPECT_EQ(kernel.kinds.back(), ipvs::op_kind::add_dest);
  EXPECT_GE(probes.probes[ep("10.0.1.11:80")], probes_before);
  EXPECT_EQ(rt->checks().size(), 3U);
}

TEST_F(service_runtime_test, RestartWithTheKernelAlreadyMatchingWritesNothing) {
  apply(load(service()));
  settle(2);
  rt.reset();  // lbd killed: the kernel keeps its table
  const std::size_t writes = kernel.writes;
  fake_prober fresh(io);
  rt = std::make_unique<service_runtime>(io, m, kernel, fresh, time);
  EXPECT_EQ(apply(load(service())).ops, 0U);
  // The adopted servers start "up": their first results change nothing.
  ASSERT_TRUE(run_until([&] { return fresh.probes[ep("10.0.1.12:80")] >= 3; }));
  EXPECT_EQ(rt->reconcile().ops, 0U);
  EXPECT_EQ(kernel.writes, writes);
}

TEST_F(service_runtime_test, DriftIsRepaired) {
  apply(load(service()));
  settle(2);
  kernel.fake.kernel().clear();  // ipvsadm -C
  kernel.fake.kernel()[ipvs::service_key::inet(ipvs::protocol::udp, ep("198.51.100.1:53"))] = {};
  EXPECT_EQ(rt->reconcile().ops, 3U);
  EXPECT_EQ(dests(), 2U);
  EXPECT_EQ(kernel.fake.kernel().size(), 2U);  // someone else's service is left alone
}

TEST_F(service_runtime_test, PeriodicReconcileRepairsDrift) {
  auto cfg = load(service());
  cfg.global.reconcile_interval = milliseconds(20);
  apply(cfg);
  settle(2);
  kernel.fake.kernel().clear();
  settle(2);
}

TEST_F(service_runtime_test, FailedServerDrainsThenLeavesWhenIdle) {
  apply(load(service()));
  settle(2);
  kernel.fake.kernel().at(web_key).dests.at(dk("10.0.1.11:80")).counters.active = 4;
  probes.down.insert(ep("10.0.1.11:80"));
  EXPECT_EQ(weight_gauge("10.0.1.11:80"), 1);
  EXPECT_EQ(weight_gauge("10.0.1.12:80"), 2);
  ASSERT_TRUE(run_until([&] { return weight("10.0.1.11:80") == 0; }));
  EXPECT_TRUE(nlohmann::json(rt->services())[0]["real_servers"][0]["draining"].get<bool>());
  EXPECT_EQ(weight_gauge("10.0.1.11:80"), 0);
  kernel.fake.kernel().at(web_key).dests.at(dk("10.0.1.11:80")).counters.active = 0;
  rt->reconcile();
  EXPECT_FALSE(has("10.0.1.11:80"));
  EXPECT_EQ(weight_gauge("10.0.1.11:80"), 0);  // absent: no traffic
  probes.down.clear();
  settle(2);
  EXPECT_EQ(weight("10.0.1.11:80"), 1U);
  EXPECT_EQ(weight_gauge("10.0.1.11:80"), 1);
}

TEST_F(service_runtime_test, FailedServerUnderRemoveLeavesAtOnce) {
  apply(load(service("", "on_failure = \"remove\"")));
  settle(2);
  kernel.fake.kernel().at(web_key).dests.at(dk("10.0.1.11:80")).counters.active = 4;
  probes.down.insert(ep("10.0.1.11:80"));
  settle(1);
  EXPECT_TRUE(has("10.0.1.12:80"));
}

TEST_F(service_runtime_test, OperatorDrainWeightAndEnable) {
  apply(load(service("", "on_failure = \"remove\"")));
  settle(2);
  auto& d11 = kernel.fake.kernel().at(web_key).dests.at(dk("10.0.1.11:80"));
  d11.counters.active = 1;
  auto drained = rt->drain("10.0.1.11:80", std::nullopt);
  ASSERT_TRUE(drained);
  ASSERT_EQ(drained->size(), 1U);
  EXPECT_EQ(nlohmann::json(*drained)[0]["override"], "drain");
  EXPECT_EQ(nlohmann::json(*drained)[0]["kernel_weight"], 0);
  EXPECT_TRUE(nlohmann::json(*drained)[0]["draining"].get<bool>());
  EXPECT_EQ(weight("10.0.1.11:80"), 0U);
  // Another server failing meanwhile is removed at once (remove policy), not drained.
  kernel.fake.kernel().at(web_key).dests.at(dk("10.0.1.12:80")).counters.active = 1;
  probes.down.insert(ep("10.0.1.12:80"));
  ASSERT_TRUE(run_until([&] { return !has("10.0.1.12:80"); }));
  EXPECT_TRUE(has("10.0.1.11:80"));
  kernel.fake.kernel().at(web_key).dests.at(dk("10.0.1.11:80")).counters.active = 0;
  rt->reconcile();
  EXPECT_FALSE(has("10.0.1.11:80"));
  probes.down.clear();

  // The override survives a reload.
  apply(load(service("", "on_failure = \"remove\"\nscheduler_flags = []")));
  settle(1);
  EXPECT_FALSE(has("10.0.1.11:80"));
  EXPECT_EQ(nlohmann::json(rt->services())[0]["real_servers"][0]["override"], "drain");

  auto weighted = rt->set_weight("10.0.1.11:80", std::string("web"), 9);
  ASSERT_TRUE(weighted);
  EXPECT_EQ(weight("10.0.1.11:80"), 9U);
  EXPECT_EQ(weight_gauge("10.0.1.11:80"), 9);
  EXPECT_EQ(nlohmann::json(*weighted)[0]["override_weight"], 9);
  ASSERT_TRUE(rt->enable("10.0.1.11:80", std::nullopt));
  EXPECT_EQ(weight("10.0.1.11:80"), 1U);
  EXPECT_EQ(rt->drain("10.0.1.99:80", std::nullopt).error(), "no real server 10.0.1.99:80 in any service");
  EXPECT_FALSE(rt->set_weight("10.0.1.11:80", std::nullopt, 70000));
  EXPECT_EQ(m.value("lbd_overrides_total", {{"kind", "drain"}}), 1);
}

TEST_F(service_runtime_test, ReloadRemovingAServiceDeletesIt) {
  apply(load(service()));
  settle(2);
  EXPECT_NE(m.render().find("lbd_realserver_weight{service=\"web\""), std::string::npos);
  auto other = load(R"(
[[virtual_server]]
name = "dns"
address = "192.0.2.10:53"
protocol = "udp"
)");
  const auto report = apply(other);
  EXPECT_EQ(report.ops, 2U);  // delete web, add dns
  EXPECT_EQ(kernel.fake.kernel().count(web_key), 0U);
  EXPECT_EQ(kernel.fake.kernel().size(), 1U);
  EXPECT_EQ(rt->checks().size(), 0U);
  // The removed service's series are gone.
  EXPECT_EQ(m.render().find("lbd_realserver_weight{service=\"web\""), std::string::npos);
  EXPECT_EQ(m.render().find("lbd_service_quorum{service=\"web\""), std::string::npos);
}

TEST_F(service_runtime_test, SorryServerWhileNoServerIsUp) {
  apply(load(service("", "sorry_server = \"10.0.1.250:80\"")));
  settle(2);
  probes.down = {ep("10.0.1.11:80"), ep("10.0.1.12:80")};
  EXPECT_EQ(m.value("lbd_service_quorum", {{"service", "web"}}), 1);
  ASSERT_TRUE(run_until([&] { return has("10.0.1.250:80"); }));
  EXPECT_TRUE(nlohmann::json(rt->services())[0]["sorry_active"].get<bool>());
  EXPECT_EQ(m.value("lbd_service_quorum", {{"service", "web"}}), 0);
  // Drained (idle) servers leave; the sorry server stays alone.
  rt->reconcile();
  EXPECT_EQ(dests(), 1U);
  probes.down.clear();
  ASSERT_TRUE(run_until([&] { return !has("10.0.1.250:80") && dests() == 2; }));
  EXPECT_EQ(m.value("lbd_service_quorum", {{"service", "web"}}), 1);
}

TEST_F(service_runtime_test, StopUnderRemoveDeletesEveryOwnedServiceOnly) {
  apply(load(service()));
  settle(2);
  const auto foreign = ipvs::service_key::inet(ipvs::protocol::udp, ep("198.51.100.1:53"));
  kernel.fake.kernel()[foreign] = {};
  const auto report = rt->stop(config::exit_policy::remove);
  EXPECT_TRUE(report.failure.empty());
  EXPECT_EQ(report.ops, 1U);
  EXPECT_EQ(kernel.fake.kernel().size(), 1U);
  EXPECT_EQ(kernel.fake.kernel().count(foreign), 1U);
  // Stopped: no timer, no check brings anything back.
  time.advance(milliseconds(20));
  EXPECT_EQ(kernel.fake.kernel().size(), 1U);
}

TEST_F(service_runtime_test, StopUnderKeepLeavesTheTable) {
  apply(load(service()));
  settle(2);
  const std::size_t writes = kernel.writes;
  EXPECT_EQ(rt->stop(config::exit_policy::keep).ops, 0U);
  EXPECT_EQ(kernel.writes, writes);
  EXPECT_EQ(dests(), 2U);
}

TEST_F(service_runtime_test, TimeoutsAppliedOnlyWhenTheyDiffer) {
  apply(load(service("", "") + "[ipvs]\ntimeouts = { tcp = \"900s\" }\n"));
  EXPECT_EQ(kernel.timeout_sets, 0U);  // the kernel already has 900
  apply(load(service("", "") + "[ipvs]\ntimeouts = { tcp = \"600s\", udp = \"30s\" }\n"));
  EXPECT_EQ(kernel.timeout_sets, 1U);
  EXPECT_EQ(kernel.fake.get_timeouts()->tcp, 600U);
  EXPECT_EQ(kernel.fake.get_timeouts()->tcp_fin, 120U);
  EXPECT_EQ(kernel.fake.get_timeouts()->udp, 30U);
}

const char* sync_only = R"(
[ipvs]
sync_daemon = { interface = "eth1", sync_id = 51, follow = "web" }
[[vrrp]]
name = "web"
interface = "eth0"
vrid = 51
virtual_ips = ["192.0.2.10/24"]
)";

TEST_F(service_runtime_test, SyncDaemonFollowsItsVrrpInstance) {
  apply(load(sync_only));
  auto running = kernel.fake.daemons().value();
  ASSERT_EQ(running.size(), 1U);
  EXPECT_EQ(running[0].state, ipvs::daemon_state::backup);
  EXPECT_EQ(running[0].mcast_ifname, "eth1");
  EXPECT_EQ(running[0].sync_id, 51U);
  rt->on_vrrp_state("other", vrrp::state::master);
  EXPECT_EQ(kernel.fake.daemons()->at(0).state, ipvs::daemon_state::backup);
  const std::size_t before_role = kernel.calls;
  rt->on_vrrp_state("web", vrrp::state::master);
  EXPECT_EQ(kernel.calls - before_role, 2U);  // a daemons() read and one batch: no table dump
  running = kernel.fake.daemons().value();
  ASSERT_EQ(running.size(), 1U);
  EXPECT_EQ(running[0].state, ipvs::daemon_state::master);
  rt->on_vrrp_state("web", vrrp::state::fault);
  EXPECT_EQ(kernel.fake.daemons()->at(0).state, ipvs::daemon_state::backup);
  EXPECT_EQ(m.value("lbd_ipvs_sync_daemon_changes_total", {{"state", "master"}}), 1);
  // A restarted lbd adopts the daemon that already runs.
  rt.reset();
  rt = std::make_unique<service_runtime>(io, m, kernel, probes, time);
  const std::size_t calls = kernel.calls;
  apply(load(sync_only));
  EXPECT_EQ(kernel.fake.daemons()->size(), 1U);
  EXPECT_EQ(kernel.calls - calls, 1U);  // a daemons() read (reused); no service: no table dump
}

TEST_F(service_runtime_test, PeriodicCheckRestoresTimeoutsAndSyncDaemon) {
  std::string text = sync_only;
  text.insert(text.find("[[vrrp]]"), "timeouts = { tcp_fin = \"2s\" }\n");
  auto cfg = load(text);
  cfg.global.reconcile_interval = milliseconds(20);
  apply(cfg);
  ASSERT_EQ(kernel.fake.get_timeouts()->tcp_fin, 2U);
  ASSERT_EQ(kernel.fake.daemons()->size(), 1U);
  const std::size_t reads = kernel.calls;
  const std::size_t sets = kernel.timeout_sets;
  // Nothing changed: each period reads the kernel and writes nothing.
  ASSERT_TRUE(run_until([&] { return kernel.calls >= reads + 4; }));
  EXPECT_EQ(kernel.timeout_sets, sets);
  EXPECT_EQ(m.value("lbd_ipvs_sync_daemon_changes_total", {{"state", "backup"}}), 1);
  // ipvsadm --set 0 120 0; ipvsadm --stop-daemon backup
  ASSERT_TRUE(kernel.fake.set_timeouts({0, 120, 0}));
  ASSERT_TRUE(kernel.fake.stop_daemon(ipvs::daemon_state::backup));
  ASSERT_TRUE(
      run_until([&] { return kernel.fake.get_timeouts()->tcp_fin == 2U && kernel.fake.daemons()->size() == 1U; }));
  EXPECT_EQ(kernel.fake.daemons()->at(0).state, ipvs::daemon_state::backup);
  EXPECT_EQ(kernel.timeout_sets, sets + 1);
  EXPECT_EQ(m.value("lbd_ipvs_sync_daemon_changes_total", {{"state", "backup"}}), 2);
}

TEST_F(service_runtime_test, SyncDaemonRefusalIsLoggedOnceAndCounted) {
  kernel.refuse_daemons = true;
  apply(load(sync_only));
  rt->on_vrrp_state("web", vrrp::state::master);
  rt->on_vrrp_state("web", vrrp::state::backup);
  EXPECT_EQ(m.value("lbd_ipvs_sync_daemon_errors_total"), 3);
  EXPECT_TRUE(kernel.fake.daemons()->empty());
}

// The table the statistics reader reads: the test sets it, the reader reads it (a lock, as the
// reader may run on a thread of its own; lbd itself shares nothing between them).
struct stats_table {
  std::mutex mu;
  std::condition_variable read;  // notified after each read
  ipvs::table table;
  std::size_t reads = 0;
};
class stats_backend final : public ipvs::backend {
 public:
  explicit stats_backend(std::shared_ptr<stats_table> t) : t_(std::move(t)) {}
  result<ipvs::table, ipvs::ipvs_error> snapshot() override {
    const std::lock_guard<std::mutex> lock(t_->mu);
    ++t_->reads;
    t_->read.notify_all();
    return t_->table;
  }
  std::vector<ipvs::op_result> apply(const std::vector<ipvs::op>& ops) override {
    ADD_FAILURE() << "the statistics reader wrote";
    return std::vector<ipvs::op_result>(ops.size(), ipvs::op_result{EPERM, "read only"});
  }
  result<ipvs::info, ipvs::ipvs_error> get_info() override { return ipvs::info{}; }
  result<ipvs::timeouts, ipvs::ipvs_error> get_timeouts() override { return ipvs::timeouts{}; }
  status<ipvs::ipvs_error> set_timeouts(const ipvs::timeouts&) override { return ok; }
  result<std::vector<ipvs::sync_daemon>, ipvs::ipvs_error> daemons() override {
    return std::vector<ipvs::sync_daemon>{};
  }
  status<ipvs::ipvs_error> start_daemon(const ipvs::sync_daemon&) override { return ok; }
  status<ipvs::ipvs_error> stop_daemon(ipvs::daemon_state) override { return ok; }

 private:
  std::shared_ptr<stats_table> t_;
};

TEST_F(service_runtime_test, KernelStatisticsFromTheReaderNeverWaitedFor) {
  auto shared = std::make_shared<stats_table>();
  {
    ipvs::service svc;
    svc.stats.conns = 10;
    svc.stats.inbytes = 1000;
    auto& d = svc.dests[dk("10.0.1.11:80")];
    d.counters.active = 3;
    d.counters.stats.outpkts = 77;
    svc.dests[dk("10.0.1.12:80")] = {};
    shared->table[web_key] = svc;
  }
  // The reader on the test's loop and fake clock (the next test runs it on its thread).
  rt = std::make_unique<service_runtime>(
      io, m, kernel, probes, time,
      kernel_stats_reader{[shared] { return std::make_unique<stats_backend>(shared); }, false});
  auto cfg = load(service());
  cfg.global.reconcile_interval = std::chrono::seconds(1);  // the reader reads as often (at most every 5 s)
  apply(cfg);
  settle(2);
  // The scrape takes whatever the reader posted last; the snapshot arrives as a message.
  ASSERT_TRUE(run_until([&] {
    rt->refresh_kernel_stats();
    return m.value("lbd_ipvs_service_connections_total", {{"service", "web"}}) == 10;
  }));
  const std::size_t calls = kernel.calls;
  rt->refresh_kernel_stats();
  const nlohmann::json status = rt->services();
  EXPECT_EQ(kernel.calls, calls);  // neither a scrape nor lbctl services reads the kernel
  EXPECT_EQ(m.value("lbd_ipvs_service_bytes_total", {{"service", "web"}, {"direction", "in"}}), 1000);
  EXPECT_EQ(m.value("lbd_ipvs_realserver_active_connections", {{"service", "web"}, {"server", "10.0.1.11:80"}}), 3);
  EXPECT_EQ(m.value("lbd_ipvs_realserver_packets_total",
                    {{"service", "web"}, {"server", "10.0.1.11:80"}, {"direction", "out"}}),
            77);
  const auto text = m.render();
  for (const char* c : {"lbd_ipvs_service_connections_total", "lbd_ipvs_service_packets_total",
                        "lbd_ipvs_service_bytes_total", "lbd_ipvs_realserver_connections_total",
                        "lbd_ipvs_realserver_packets_total", "lbd_ipvs_realserver_bytes_total"}) {
    EXPECT_NE(text.find(std::string("# TYPE ") + c + " counter\n"), std::string::npos) << c;
  }
  EXPECT_NE(text.find("# TYPE lbd_ipvs_realserver_active_connections gauge\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE lbd_ipvs_stats_age_seconds gauge\n"), std::string::npos);
  EXPECT_GE(m.value("lbd_ipvs_stats_age_seconds"), 0);
  EXPECT_LT(m.value("lbd_ipvs_stats_age_seconds"), 1);  // read at most a period ago
  EXPECT_EQ(status[0]["active_conns"], 3);
  ASSERT_TRUE(status[0]["stats_age_seconds"].is_number());
  EXPECT_GE(status[0]["stats_age_seconds"].get<double>(), 0);
  const std::size_t reads = shared->reads;
  // The next read (a period later) no longer has the server: its series go.
  {
    const std::lock_guard<std::mutex> lock(shared->mu);
    shared->table[web_key].dests.erase(dk("10.0.1.11:80"));
  }
  ASSERT_TRUE(run_until([&] {
    rt->refresh_kernel_stats();
    return m.render().find("server=\"10.0.1.11:80\",direction") == std::string::npos;
  }));
  EXPECT_EQ(shared->reads, reads + 1);  // one period of fake time, one read
}

TEST_F(service_runtime_test, StatisticsReaderOnItsOwnThreadPostsToTheLoop) {
  auto shared = std::make_shared<stats_table>();
  shared->table[web_key].stats.conns = 10;
  rt = std::make_unique<service_runtime>(
      io, m, kernel, probes, time,
      kernel_stats_reader{[shared] { return std::make_unique<stats_backend>(shared); }, true});
  apply(load(service()));
  // The reader reads at once, on its thread.
  {
    std::unique_lock<std::mutex> lock(shared->mu);
    ASSERT_TRUE(shared->read.wait_for(lock, std::chrono::seconds(10), [&] { return shared->reads >= 1; }));
  }
  // That read's snapshot is posted to the loop: run the loop (kept waiting by the guard) until it
  // arrived. A read never posted would hang here, and the test time out.
  auto guard = asio::make_work_guard(io);
  for (;;) {
    rt->refresh_kernel_stats();
    if (m.value("lbd_ipvs_service_connections_total", {{"service", "web"}}) == 10) break;
    io.run_one();
  }
  guard.reset();
  rt.reset();  // joins the reader thread
}

TEST_F(service_runtime_test, WithoutAReaderStatisticsComeFromTheReconcileReads) {
  apply(load(service()));
  settle(2);
  EXPECT_EQ(nlohmann::json(rt->services())[0]["active_conns"], 0);
  kernel.fake.kernel().at(web_key).dests.at(dk("10.0.1.11:80")).counters.active = 3;
  const std::size_t calls = kernel.calls;
  rt->refresh_kernel_stats();
  EXPECT_EQ(kernel.calls, calls);
  EXPECT_EQ(nlohmann::json(rt->services())[0]["active_conns"], 0);  // not read yet
  rt->reconcile();
  rt->refresh_kernel_stats();
  EXPECT_EQ(nlohmann::json(rt->services())[0]["active_conns"], 3);
  EXPECT_EQ(m.value("lbd_ipvs_realserver_active_connections", {{"service", "web"}, {"server", "10.0.1.11:80"}}), 3);
}

}  // namespace
}  // namespace lbd::daemon

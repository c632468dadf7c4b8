// SPDX-License-Identifier: GPL-2.0-or-later
// The service runtime over the in-memory IPVS (fake_backend) and a fake prober: what reaches the
// kernel on start, reload, overrides, drift, health changes and stop. Everything timed (checks, the
// periodic pass, the statistics reader) runs on fake time: a test moves the clock, and waits for a
// condition by advancing it in small steps up to a bound of fake time; no real time passes.
#include "service_runtime_fixture.hpp"

namespace lbd::daemon::test {
namespace {

TEST_F(service_runtime_test, NoVirtualServerNeverTouchesTheKernel) {
  auto cfg = load("[global]\n");
  cfg.global.reconcile_interval = milliseconds(10);  // below lbd.conf's minimum, for a short test
  apply(cfg);
  rt->reconcile();
  EXPECT_EQ(rt->kernel_stats_text(), "");
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

TEST_F(service_runtime_test, ADynamicWeightReachesTheKernelAndTheConfiguredOneComesBack) {
  apply(load(service()));
  settle(2);
  auto weighted = hc::probe_ok("w.sh exit 12: weight 10", milliseconds(1));
  weighted.weight = 10;
  probes.answers[ep("10.0.1.12:80")] = weighted;
  ASSERT_TRUE(run_until([&] { return weight("10.0.1.12:80") == 10; }));
  // An answer without a weight keeps it (a script that printed no number) ...
  probes.answers[ep("10.0.1.12:80")] = hc::probe_ok("w.sh exit 0", milliseconds(1));
  for (int i = 0; i < 50; ++i) time.advance(milliseconds(1));
  EXPECT_EQ(weight("10.0.1.12:80"), 10U);
  // ... and one that gives the configured weight back (misc_dynamic's exit 0) restores `weight = 2`.
  auto configured = hc::probe_ok("w.sh exit 0", milliseconds(1));
  configured.configured_weight = true;
  probes.answers[ep("10.0.1.12:80")] = configured;
  ASSERT_TRUE(run_until([&] { return weight("10.0.1.12:80") == 2; }));
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

// A stop plans the removal from the table lbd knows, and reads the kernel only to confirm: a large
// table is not dumped first. What it did not know (a service of its own deleted behind its back) is
// caught by that read.
TEST_F(service_runtime_test, StopRemovesWhatItKnowsThenReadsOnlyToConfirm) {
  const auto mail = ipvs::service_key::inet(ipvs::protocol::tcp, ep("192.0.2.11:25"));
  apply(load(service() + R"(
[[virtual_server]]
name = "mail"
address = "192.0.2.11:25"
[[virtual_server.real_server]]
address = "10.0.1.21:25"
)"));
  settle(2);
  ASSERT_EQ(kernel.fake.kernel().count(mail), 1U);
  kernel.fake.kernel().erase(mail);  // behind lbd's back
  std::vector<std::size_t> seen;     // services in the kernel at each read during the stop
  kernel.on_snapshot = [&] { seen.push_back(kernel.fake.kernel().size()); };
  const auto report = rt->stop(config::exit_policy::remove);
  EXPECT_TRUE(report.failure.empty()) << report.failure;
  EXPECT_TRUE(kernel.fake.kernel().empty());
  EXPECT_EQ(seen, std::vector<std::size_t>{0});  // one read, once the table was gone
  EXPECT_EQ(report.errors, 1U);                  // deleting the service that was already gone
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

}  // namespace
}  // namespace lbd::daemon::test

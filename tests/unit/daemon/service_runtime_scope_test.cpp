// SPDX-License-Identifier: GPL-2.0-or-later
// Passes of changes: a health change, a reload or an override reads and writes the services whose
// desired state moved, not the whole table; the periodic pass (and service_runtime::reconcile) read it
// all and repair what changed behind lbd's back.
#include "service_runtime_fixture.hpp"

namespace lbd::daemon::test {
namespace {

const auto api_key = ipvs::service_key::inet(ipvs::protocol::tcp, ep("192.0.2.11:80"));

std::string two_services(const char* api_weight = "1", const std::string& api_options = "") {
  return service() + R"(
[[virtual_server]]
name = "api"
address = "192.0.2.11:80"
scheduler = "rr"
)" + api_options +
         R"(
[[virtual_server.real_server]]
address = "10.0.2.11:80"
weight = )" +
         std::string(api_weight) + "\n";
}

struct scope_test : service_runtime_test {
  std::uint32_t api_weight() { return kernel.fake.kernel().at(api_key).dests.at(dk("10.0.2.11:80")).attrs.weight; }
};

TEST_F(scope_test, HealthChangeReadsAndWritesItsServiceAlone) {
  apply(load(two_services()));
  settle(2);
  ASSERT_EQ(kernel.whole_reads, 1U);  // start-up: the whole table, once
  // Drift behind lbd's back in api; then a server of web fails.
  kernel.fake.kernel().at(api_key).dests.at(dk("10.0.2.11:80")).attrs.weight = 7;
  const auto scoped = kernel.scoped_reads;
  probes.down.insert(ep("10.0.1.12:80"));
  ASSERT_TRUE(run_until([&] { return !has("10.0.1.12:80") || weight("10.0.1.12:80") == 0; }));
  EXPECT_EQ(kernel.whole_reads, 1U);
  EXPECT_GT(kernel.scoped_reads, scoped);
  EXPECT_EQ(kernel.services_read, kernel.scoped_reads);  // one service each time: web
  EXPECT_EQ(api_weight(), 7U);                           // not this pass's business
  EXPECT_EQ(m.value("lbd_ipvs_passes_total", {{"scope", "full"}}), 1);
  EXPECT_EQ(m.value("lbd_ipvs_passes_total", {{"scope", "changes"}}), static_cast<double>(kernel.scoped_reads));
  EXPECT_EQ(m.value("lbd_ipvs_pass_services_read_total"), static_cast<double>(kernel.services_read));
  EXPECT_EQ(weight_gauge("10.0.1.11:80"), 1);

  // A full pass (the periodic one) reads everything and repairs api.
  EXPECT_EQ(rt->reconcile().ops, 1U);
  EXPECT_EQ(kernel.whole_reads, 2U);
  EXPECT_EQ(api_weight(), 1U);
}

TEST_F(scope_test, ReloadChangingOneWeightReadsOneServiceAndWritesOnce) {
  apply(load(two_services()));
  settle(2);
  const auto writes = kernel.writes;
  const auto read = kernel.services_read;
  const auto report = apply(load(two_services("5")));
  EXPECT_EQ(report.ops, 1U);
  EXPECT_EQ(kernel.writes - writes, 1U);
  EXPECT_EQ(api_weight(), 5U);
  EXPECT_EQ(kernel.whole_reads, 1U);
  EXPECT_EQ(kernel.services_read - read, 1U);
  // Nothing changed: nothing read, nothing written.
  EXPECT_EQ(apply(load(two_services("5"))).ops, 0U);
  EXPECT_EQ(kernel.services_read - read, 1U);
  EXPECT_EQ(kernel.writes - writes, 1U);
}

TEST_F(scope_test, ServiceLeavingTheConfigIsDeletedByAPassOfChanges) {
  apply(load(two_services()));
  settle(2);
  EXPECT_EQ(apply(load(service())).ops, 1U);
  EXPECT_EQ(kernel.fake.kernel().count(api_key), 0U);
  EXPECT_EQ(kernel.whole_reads, 1U);
  EXPECT_EQ(dests(), 2U);
}

TEST_F(scope_test, RefusedWriteInAPassOfChangesBringsAFullPass) {
  apply(load(two_services()));
  settle(2);
  kernel.fake.schedulers().erase("wlc");  // the module is missing
  std::string next = two_services();
  next.replace(next.rfind("scheduler = \"rr\""), 16, "scheduler = \"wlc\"");
  const auto report = apply(load(next));
  EXPECT_EQ(report.errors, 1U);
  EXPECT_EQ(kernel.whole_reads, 1U);
  // The kernel is not what lbd wanted: a full pass follows on the worker, and stops there.
  ASSERT_TRUE(run_until([&] { return kernel.whole_reads == 2U; }));
  for (int i = 0; i < 100; ++i) time.advance(milliseconds(1));
  EXPECT_EQ(kernel.whole_reads, 2U);
  EXPECT_EQ(kernel.fake.kernel().at(api_key).attrs.scheduler, "rr");
}

TEST_F(scope_test, PeriodicPassReadsTheWholeTable) {
  auto cfg = load(two_services());
  cfg.global.reconcile_interval = milliseconds(20);
  apply(cfg);
  settle(2);
  kernel.fake.kernel().at(api_key).dests.at(dk("10.0.2.11:80")).attrs.weight = 7;
  ASSERT_TRUE(run_until([&] { return api_weight() == 1; }));
  EXPECT_GE(kernel.whole_reads, 2U);
}

TEST_F(scope_test, WeightSeriesAndSumsFollowAReloadOutsideThePassScope) {
  std::vector<service_weight> last;
  rt->on_pass([&last](const std::vector<service_weight>& w) { last = w; });
  const std::string checked = R"(check = { type = "tcp", interval = "10ms", timeout = "5ms", rise = 1, fall = 1 })";
  apply(load(two_services("1", checked)));
  settle(2);
  ASSERT_TRUE(run_until([&] { return kernel.fake.kernel().at(api_key).dests.size() == 1; }));
  probes.down.insert(ep("10.0.2.11:80"));
  ASSERT_TRUE(run_until([&] { return kernel.fake.kernel().at(api_key).dests.empty(); }));
  ASSERT_EQ(last.size(), 2U);
  EXPECT_EQ(last[1].configured, 1U);
  EXPECT_EQ(last[1].live, 0U);
  // The server is down: its new weight changes nothing in the kernel, but the sums and series move.
  apply(load(two_services("4", checked) + "[[virtual_server.real_server]]\naddress = \"10.0.2.12:80\"\n"));
  ASSERT_EQ(last.size(), 2U);
  EXPECT_EQ(last[1].configured, 5U);
  const auto& series = m.families().at("lbd_realserver_weight").gauges;
  EXPECT_EQ(series.count(metrics::series_key({{"service", "api"}, {"server", "10.0.2.12:80"}})),
            1U);                // the new server, at 0
  EXPECT_EQ(last[0].live, 3U);  // web, untouched, keeps its sums
}

TEST_F(scope_test, OverrideWritesItsServerWithoutReadingTheTable) {
  apply(load(two_services()));
  settle(2);
  ASSERT_TRUE(rt->set_weight("10.0.2.11:80", std::nullopt, 9));
  EXPECT_EQ(api_weight(), 9U);
  EXPECT_EQ(kernel.whole_reads, 1U);
  ASSERT_TRUE(rt->drain("10.0.1.11:80", std::nullopt));
  EXPECT_FALSE(has("10.0.1.11:80"));  // no connection to wait for
  EXPECT_EQ(kernel.whole_reads, 1U);
}

}  // namespace
}  // namespace lbd::daemon::test

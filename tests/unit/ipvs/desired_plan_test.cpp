// SPDX-License-Identifier: GPL-2.0-or-later
// The plan for everything IPVS (table, timeouts, sync daemons), and the reconciler carrying it out
// against the fake backend.
#include <gtest/gtest.h>

#include "helpers.hpp"
#include "ipvs/fake_backend.hpp"
#include "ipvs/plan.hpp"
#include "ipvs/reconciler.hpp"

namespace lbd::ipvs {
namespace {

using namespace test;

const service_key web = tcp("192.0.2.10:80");

sync_daemon daemon(daemon_state s, const char* ifname = "eth1", std::uint32_t id = 51) {
  sync_daemon d;
  d.state = s;
  d.mcast_ifname = ifname;
  d.sync_id = id;
  return d;
}

std::vector<op_kind> kinds(const std::vector<op>& ops) {
  std::vector<op_kind> out;
  for (const auto& o : ops) out.push_back(o.kind);
  return out;
}

kernel_state kernel_with(timeouts t, std::vector<sync_daemon> ds = {}) {
  kernel_state k;
  k.timeouts = t;
  k.daemons = std::move(ds);
  return k;
}

TEST(desired_plan, TimeoutsUnchangedZeroOrChanged) {
  const auto k = kernel_with({900, 120, 300});
  desired_state d;
  EXPECT_TRUE(plan(k, d, {}).empty());  // all zero: leave the kernel's values
  d.timeouts = {900, 0, 0};
  EXPECT_TRUE(plan(k, d, {}).empty());  // what the kernel has
  d.timeouts = {600, 0, 30};
  const auto ops = plan(k, d, {});
  ASSERT_EQ(kinds(ops), std::vector<op_kind>{op_kind::set_timeouts});
  EXPECT_EQ(ops[0].tmo, (timeouts{600, 0, 30}));
  EXPECT_EQ(describe(ops[0]), "set timeouts tcp 600s tcp_fin 0s udp 30s (0: unchanged)");
}

TEST(desired_plan, SyncDaemonStartStopChangeOnlyWhenOwned) {
  desired_state d;
  d.daemons = {daemon(daemon_state::backup)};
  // Not lbd's: nothing, whatever runs.
  EXPECT_TRUE(plan(kernel_with({}), d, {{}, false}).empty());
  // Start.
  auto ops = plan(kernel_with({}), d, {{}, true});
  ASSERT_EQ(kinds(ops), std::vector<op_kind>{op_kind::start_daemon});
  EXPECT_EQ(ops[0].daemon, daemon(daemon_state::backup));
  // Running as wanted; the kernel reports its defaults for what lbd left unset.
  auto running = daemon(daemon_state::backup);
  running.mcast_port = 8848;
  running.mcast_ttl = 1;
  EXPECT_TRUE(plan(kernel_with({}, {running}), d, {{}, true}).empty());
  // Role change: the backup stops, the master starts.
  d.daemons = {daemon(daemon_state::master)};
  ops = plan(kernel_with({}, {running}), d, {{}, true});
  ASSERT_EQ(kinds(ops), (std::vector<op_kind>{op_kind::stop_daemon, op_kind::start_daemon}));
  EXPECT_EQ(ops[0].daemon.state, daemon_state::backup);
  EXPECT_EQ(ops[1].daemon.state, daemon_state::master);
  // A changed setting (sync id) is a stop and a start of the same role.
  d.daemons = {daemon(daemon_state::backup, "eth1", 52)};
  ops = plan(kernel_with({}, {running}), d, {{}, true});
  ASSERT_EQ(kinds(ops), (std::vector<op_kind>{op_kind::stop_daemon, op_kind::start_daemon}));
  EXPECT_EQ(ops[1].daemon.sync_id, 52U);
  // No longer wanted: stopped.
  d.daemons.clear();
  ops = plan(kernel_with({}, {running}), d, {{}, true});
  ASSERT_EQ(kinds(ops), std::vector<op_kind>{op_kind::stop_daemon});
}

TEST(desired_plan, GlobalsBeforeTheTable) {
  kernel_state k = kernel_with({900, 120, 300});
  k.services[web] = svc(sched("wlc"), {{dk("10.0.1.11:80"), w(1)}});
  desired_state d;
  d.timeouts = {0, 2, 0};
  d.daemons = {daemon(daemon_state::master)};
  d.services[web] = svc(sched("wlc"), {{dk("10.0.1.12:80"), w(1)}});
  const auto ops = plan(k, d, {{web}, true});
  EXPECT_EQ(kinds(ops),
            (std::vector<op_kind>{op_kind::set_timeouts, op_kind::start_daemon, op_kind::del_dest, op_kind::add_dest}));
  // Outside the owned services the table is not touched; the globals still are.
  EXPECT_EQ(kinds(plan(k, d, {{}, true})), (std::vector<op_kind>{op_kind::set_timeouts, op_kind::start_daemon}));
}

TEST(desired_plan, PatchFollowsTheSuccessfulOperations) {
  kernel_state k = kernel_with({900, 120, 300}, {daemon(daemon_state::backup)});
  const std::vector<op> ops{op{op_kind::set_timeouts, {}, {}, {}, {}, {0, 2, 0}, {}},
                            op{op_kind::stop_daemon, {}, {}, {}, {}, {}, daemon(daemon_state::backup)},
                            op{op_kind::start_daemon, {}, {}, {}, {}, {}, daemon(daemon_state::master)},
                            op{op_kind::add_service, web, sched("rr"), {}, {}, {}, {}}};
  patch(k, ops, {{}, {}, {EEXIST, "exists"}, {}});
  EXPECT_EQ(k.timeouts, (timeouts{900, 2, 300}));
  EXPECT_TRUE(k.daemons.empty());
  EXPECT_EQ(k.services.count(web), 1U);
}

TEST(desired_plan, TablePatchAppliesOnlySuccessfulOperations) {
  table t;
  const std::vector<op> ops{op{op_kind::add_service, web, {}, {}, {}, {}, {}},
                            op{op_kind::add_dest, web, {}, dk("10.0.1.11:80"), {}, {}, {}},
                            op{op_kind::add_dest, web, {}, dk("10.0.1.12:80"), {}, {}, {}}};
  patch(t, ops, {{}, {}, {EEXIST, "exists"}});
  ASSERT_EQ(t.size(), 1U);
  EXPECT_EQ(t.at(web).dests.size(), 1U);
  patch(t, {op{op_kind::del_service, web, {}, {}, {}, {}, {}}}, {{}});
  EXPECT_TRUE(t.empty());
}

TEST(desired_plan, ReconcilerWritesEverythingThenNothing) {
  fake_backend fake;
  metrics::registry m;
  reconciler r{fake, m};
  desired_state d;
  d.timeouts = {0, 2, 0};
  d.daemons = {daemon(daemon_state::backup)};
  d.services[web] = svc(sched("wlc"), {{dk("10.0.1.11:80"), w(1)}});
  const owned_state owned{{web}, true};
  auto out = r.reconcile(d, owned);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->errors, 0U);
  EXPECT_EQ(fake.get_timeouts()->tcp_fin, 2U);
  ASSERT_EQ(fake.daemons()->size(), 1U);
  EXPECT_EQ(fake.kernel().at(web).dests.size(), 1U);
  EXPECT_EQ(m.value("lbd_ipvs_operations_total", {{"op", "set_timeouts"}}), 1);
  EXPECT_EQ(m.value("lbd_ipvs_operations_total", {{"op", "start_daemon"}}), 1);
  // The outcome's kernel state is the read patched with what succeeded.
  EXPECT_EQ(out->kernel.timeouts.tcp_fin, 2U);
  EXPECT_EQ(out->kernel.daemons.size(), 1U);
  EXPECT_EQ(out->kernel.services.count(web), 1U);
  const auto calls = fake.apply_calls();
  auto again = r.reconcile(d, owned);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->ops.empty());
  EXPECT_EQ(fake.apply_calls(), calls);

  // Behind lbd's back (ipvsadm --stop-daemon, --set): repaired. A refusal is an error of the op.
  ASSERT_TRUE(fake.stop_daemon(daemon_state::backup));
  ASSERT_TRUE(fake.set_timeouts({0, 120, 0}));
  ASSERT_TRUE(r.reconcile(d, owned));
  EXPECT_EQ(fake.get_timeouts()->tcp_fin, 2U);
  EXPECT_EQ(fake.daemons()->size(), 1U);
  ASSERT_TRUE(fake.start_daemon(daemon(daemon_state::master)));
  d.daemons = {daemon(daemon_state::master, "eth2")};
  out = r.reconcile(d, owned);
  ASSERT_TRUE(out);
  // The backup stops, the master (other interface) stops, the wanted master starts.
  EXPECT_EQ(out->ops.size(), 3U);
  EXPECT_EQ(out->errors, 0U);
  ASSERT_EQ(fake.daemons()->size(), 1U);
  EXPECT_EQ(fake.daemons()->front().mcast_ifname, "eth2");

  // Reconciled to nothing: everything lbd owns goes; the timeouts stay.
  ASSERT_TRUE(r.reconcile(desired_state{}, owned));
  EXPECT_TRUE(fake.kernel().empty());
  EXPECT_TRUE(fake.daemons()->empty());
  EXPECT_TRUE(r.reconcile(desired_state{}, owned)->ops.empty());
}

TEST(desired_plan, RefusedDaemonStartIsAnErrorNamingIt) {
  fake_backend fake;
  metrics::registry m;
  reconciler r{fake, m};
  ASSERT_TRUE(fake.start_daemon(daemon(daemon_state::master, "eth9")));
  desired_state d;
  d.daemons = {daemon(daemon_state::master)};
  // Not owned: the foreign master stays, lbd's is not started.
  EXPECT_TRUE(r.reconcile(d, {{}, false})->ops.empty());
  const op start{op_kind::start_daemon, {}, {}, {}, {}, {}, daemon(daemon_state::master)};
  const auto res = fake.apply({start});
  ASSERT_EQ(res.size(), 1U);
  EXPECT_EQ(res[0].code, EEXIST);
  EXPECT_EQ(res[0].message, "the master sync daemon is already running");
  EXPECT_EQ(describe_error(op{op_kind::stop_daemon, {}, {}, {}, {}, {}, daemon(daemon_state::backup)}, ESRCH),
            "the backup sync daemon is not running");
}

}  // namespace
}  // namespace lbd::ipvs

// SPDX-License-Identifier: GPL-2.0-or-later
#include "ipvs/reconciler.hpp"

#include <gtest/gtest.h>

#include "helpers.hpp"
#include "ipvs/fake_backend.hpp"

namespace lbd::ipvs {
namespace {

using namespace test;

const service_key web = tcp("192.0.2.10:80");
const service_key foreign = tcp("198.51.100.1:80");

struct reconcile_fixture : ::testing::Test {
  fake_backend fake;
  metrics::registry m;
  std::vector<log::record> lines;
  reconciler r{fake, m};
  table desired{{web, svc(sched("wlc"), {{dk("10.0.1.11:8080"), w(3)}, {dk("10.0.1.12:8080"), w(1)}})}};

  reconcile_fixture() {
    log::set_sink([this](const log::record& rec) { lines.push_back(rec); });
    log::set_threshold(log::level::debug);
  }
  ~reconcile_fixture() override { log::reset_sink(); }
  reconcile_fixture(const reconcile_fixture&) = delete;
  reconcile_fixture& operator=(const reconcile_fixture&) = delete;

  double ops(const char* kind) { return m.value("lbd_ipvs_operations_total", {{"op", kind}}); }
  double errors(const char* kind, const char* err) {
    return m.value("lbd_ipvs_errors_total", {{"op", kind}, {"error", err}});
  }
};

TEST_F(reconcile_fixture, cold_start_programs_everything_then_nothing) {
  auto out = r.reconcile(desired, {web});
  ASSERT_TRUE(out);
  EXPECT_EQ(out->ops.size(), 3U);
  EXPECT_EQ(out->errors, 0U);
  EXPECT_EQ(fake.kernel().at(web).dests.size(), 2U);
  EXPECT_EQ(ops("add_service"), 1);
  EXPECT_EQ(ops("add_dest"), 2);
  ASSERT_EQ(lines.size(), 3U);
  EXPECT_EQ(lines[0].lvl, log::level::notice);
  EXPECT_EQ(lines[0].prefix, "ipvs");
  EXPECT_EQ(lines[0].message, "add service tcp 192.0.2.10:80 (wlc)");

  const auto calls = fake.apply_calls();
  auto again = r.reconcile(desired, {web});
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->ops.empty());
  EXPECT_EQ(fake.apply_calls(), calls);  // nothing sent when the kernel matches
  EXPECT_EQ(lines.size(), 3U);
}

TEST_F(reconcile_fixture, foreign_services_survive_and_drift_is_repaired) {
  fake.kernel()[foreign] = svc(sched("rr"), {{dk("10.9.9.9:80"), w(1)}});
  ASSERT_TRUE(r.reconcile(desired, {web}));
  // Someone edits our service and clears a destination behind our back.
  fake.kernel()[web].attrs.scheduler = "rr";
  fake.kernel()[web].dests.erase(dk("10.0.1.12:8080"));
  auto out = r.reconcile(desired, {web});
  ASSERT_TRUE(out);
  EXPECT_EQ(out->ops.size(), 2U);
  EXPECT_EQ(fake.kernel().at(web).attrs.scheduler, "wlc");
  EXPECT_EQ(fake.kernel().at(web).dests.size(), 2U);
  EXPECT_EQ(fake.kernel().at(foreign).dests.size(), 1U);
  EXPECT_EQ(fake.kernel().at(foreign).attrs.scheduler, "rr");
}

TEST_F(reconcile_fixture, reload_removes_what_left_the_config) {
  ASSERT_TRUE(r.reconcile(desired, {web}));
  auto out = r.reconcile({}, {web});
  ASSERT_TRUE(out);
  EXPECT_TRUE(fake.kernel().empty());
  EXPECT_EQ(ops("del_service"), 1);
}

TEST_F(reconcile_fixture, kernel_errors_are_counted_logged_and_named) {
  desired[web].attrs.scheduler = "mh";
  fake.schedulers().erase("mh");
  auto out = r.reconcile(desired, {web});
  ASSERT_TRUE(out);
  ASSERT_EQ(out->results.size(), 3U);
  EXPECT_EQ(out->errors, 3U);  // the destinations fail too: their service never appeared
  EXPECT_EQ(out->results[0].code, ENOENT);
  EXPECT_EQ(out->results[0].message,
            "scheduler 'mh' is not available in this kernel (module ip_vs_mh) while adding service tcp 192.0.2.10:80");
  EXPECT_EQ(out->results[1].code, ESRCH);
  EXPECT_EQ(out->results[1].message,
            "service tcp 192.0.2.10:80 does not exist (while adding destination 10.0.1.11:8080)");
  EXPECT_EQ(errors("add_service", "ENOENT"), 1);
  EXPECT_EQ(errors("add_dest", "ESRCH"), 2);
  EXPECT_EQ(lines[0].lvl, log::level::err);
}

TEST_F(reconcile_fixture, drain_lifecycle_end_to_end) {
  using namespace std::chrono_literals;
  reconciler dr{fake, m, log::logger("ipvs"), 60s};
  const reconciler::clock::time_point t0{};
  desired_state want;
  want.services = desired;
  want.owned = want.drained = {web};
  const owned_state owned{{web}, false};
  ASSERT_TRUE(dr.reconcile(want, owned, std::nullopt, t0));
  fake.kernel()[web].dests[dk("10.0.1.11:8080")].counters.active = 4;
  desired_state failed = want;
  failed.services[web].dests.erase(dk("10.0.1.11:8080"));

  auto out = dr.reconcile(failed, owned, std::nullopt, t0 + 1s);
  ASSERT_TRUE(out);
  EXPECT_EQ(fake.kernel().at(web).dests.at(dk("10.0.1.11:8080")).attrs.weight, 0U);
  EXPECT_EQ(m.value("lbd_ipvs_drain_events_total", {{"event", "started"}}), 1);
  EXPECT_TRUE(dr.drains().draining(web, dk("10.0.1.11:8080")));
  EXPECT_TRUE(dr.reconcile(failed, owned, std::nullopt, t0 + 2s)->ops.empty());  // still draining: nothing to do

  fake.kernel()[web].dests[dk("10.0.1.11:8080")].counters.active = 0;
  ASSERT_TRUE(dr.reconcile(failed, owned, std::nullopt, t0 + 3s));
  EXPECT_EQ(fake.kernel().at(web).dests.count(dk("10.0.1.11:8080")), 0U);
  EXPECT_EQ(m.value("lbd_ipvs_drain_events_total", {{"event", "finished_idle"}}), 1);
  EXPECT_EQ(ops("del_dest"), 1);
}

TEST(fake_backend, answers_like_the_kernel) {
  fake_backend f;
  const op add{op_kind::add_service, web, sched("wlc"), {}, {}, {}, {}};
  const op add_d{op_kind::add_dest, web, {}, dk("10.0.1.11:8080"), w(1), {}, {}};
  const op del_d{op_kind::del_dest, web, {}, dk("10.0.1.11:8080"), {}, {}, {}};
  const op edit_d{op_kind::edit_dest, web, {}, dk("10.0.1.11:8080"), w(2), {}, {}};
  const op del{op_kind::del_service, web, {}, {}, {}, {}, {}};
  dest_attrs inverted = w(1);
  inverted.u_threshold = 5;
  inverted.l_threshold = 10;
  const op bad_thresh{op_kind::add_dest, web, {}, dk("10.0.1.13:8080"), inverted, {}, {}};
  const op mixed{op_kind::add_dest, web, {}, dk("[2001:db8::1]:80"), w(1, forwarding::masq), {}, {}};
  dest_attrs tun = w(1, forwarding::tunnel);
  const op mixed_tun{op_kind::add_dest, web, {}, dk("[2001:db8::1]:80"), tun, {}, {}};
  const auto res =
      f.apply({add, add, add_d, add_d, edit_d, del_d, del_d, edit_d, bad_thresh, mixed, mixed_tun, del, del, add_d});
  std::vector<int> codes;
  for (const auto& x : res) codes.push_back(x.code);
  EXPECT_EQ(codes, (std::vector<int>{0, EEXIST, 0, EEXIST, 0, 0, ENOENT, ENOENT, ERANGE, EINVAL, 0, 0, ESRCH, ESRCH}));
  EXPECT_EQ(res[1].message, "service tcp 192.0.2.10:80 already exists");
  EXPECT_EQ(res[3].message, "destination 10.0.1.11:8080 of service tcp 192.0.2.10:80 already exists");
  EXPECT_EQ(res[6].message, "destination 10.0.1.11:8080 of service tcp 192.0.2.10:80 does not exist");
  EXPECT_EQ(res[12].message, "service tcp 192.0.2.10:80 does not exist");
}

TEST(fake_backend, daemons_and_timeouts) {
  fake_backend f;
  sync_daemon d;
  d.mcast_ifname = "eth1";
  d.sync_id = 9;
  EXPECT_TRUE(f.start_daemon(d));
  auto again = f.start_daemon(d);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, EEXIST);
  EXPECT_EQ(f.daemons()->size(), 1U);
  EXPECT_TRUE(f.stop_daemon(daemon_state::master));
  EXPECT_EQ(f.stop_daemon(daemon_state::master).error().code, ESRCH);
  EXPECT_TRUE(f.set_timeouts(timeouts{100, 0, 0}));
  EXPECT_EQ(*f.get_timeouts(), (timeouts{100, 120, 300}));
}

TEST(errors, messages_name_the_object) {
  const op add{op_kind::add_service, web, sched("wlc"), {}, {}, {}, {}};
  service_attrs pe = sched("rr");
  pe.pe_name = "sip";
  const op add_pe{op_kind::add_service, udp("192.0.2.10:5060"), pe, {}, {}, {}, {}};
  EXPECT_EQ(describe_error(add, EEXIST), "service tcp 192.0.2.10:80 already exists");
  EXPECT_EQ(describe_error(add_pe, ENOENT),
            "scheduler 'rr' or persistence engine 'sip' is not available in this kernel (modules ip_vs_rr, "
            "ip_vs_pe_sip) while adding service udp 192.0.2.10:5060");
  EXPECT_EQ(describe_error(op{op_kind::del_service, web, {}, {}, {}, {}, {}}, ESRCH),
            "service tcp 192.0.2.10:80 does not exist");
  EXPECT_EQ(describe_error(op{op_kind::edit_dest, web, {}, dk("10.0.1.11:8080"), {}, {}, {}}, ENOENT),
            "destination 10.0.1.11:8080 of service tcp 192.0.2.10:80 does not exist");
  EXPECT_EQ(describe_error(add, EPERM), "permission denied adding service tcp 192.0.2.10:80 (needs CAP_NET_ADMIN)");
  EXPECT_EQ(errno_name(EEXIST), "EEXIST");
  EXPECT_EQ(errno_name(12345), "E12345");
}

}  // namespace
}  // namespace lbd::ipvs

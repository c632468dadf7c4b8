// SPDX-License-Identifier: GPL-2.0-or-later
// Passes over some services only: which services changed between two desired states, and the
// reconciler reading, writing and draining those alone.
#include <gtest/gtest.h>

#include "helpers.hpp"
#include "ipvs/desired.hpp"
#include "ipvs/fake_backend.hpp"
#include "ipvs/reconciler.hpp"

namespace lbd::ipvs {
namespace {

using namespace test;
using namespace std::chrono_literals;

const service_key web = tcp("192.0.2.10:80");
const service_key api = tcp("192.0.2.11:80");
const service_key dns = udp("192.0.2.12:53");

desired_state three() {
  desired_state d;
  d.services = {{web, svc(sched("wlc"), {{dk("10.0.1.11:8080"), w(3)}, {dk("10.0.1.12:8080"), w(1)}})},
                {api, svc(sched("rr"), {{dk("10.0.2.11:8080"), w(1)}})},
                {dns, svc(sched("rr"), {{dk("10.0.3.11:53"), w(1)}})}};
  d.owned = {web, api, dns};
  return d;
}

TEST(changed_services, nothing_changed_is_an_empty_scope) {
  EXPECT_TRUE(changed_services(three(), three()).empty());
  EXPECT_TRUE(changed_services({}, {}).empty());
}

TEST(changed_services, names_each_kind_of_change_and_nothing_else) {
  const desired_state before = three();
  desired_state after = three();
  after.services[web].dests[dk("10.0.1.12:8080")].attrs.weight = 0;  // a destination's attributes
  EXPECT_EQ(changed_services(before, after), (ownership{web}));

  after = three();
  after.services[api].attrs.scheduler = "wlc";          // the service's attributes
  after.services[dns].dests.erase(dk("10.0.3.11:53"));  // a destination gone
  EXPECT_EQ(changed_services(before, after), (ownership{api, dns}));

  after = three();
  after.services.erase(api);                                    // a service gone
  after.services[udp("192.0.2.13:53")] = svc(sched("rr"), {});  // and one new
  EXPECT_EQ(changed_services(before, after), (ownership{api, udp("192.0.2.13:53")}));
  EXPECT_EQ(changed_services(after, before), (ownership{api, udp("192.0.2.13:53")}));

  after = three();
  after.services[web].dests[dk("10.0.1.11:8080")].counters.active = 9;  // counters are the kernel's, not wanted
  EXPECT_TRUE(changed_services(before, after).empty());
}

TEST(changed_services, draining_rules_count_as_changes) {
  const desired_state before = three();
  desired_state after = three();
  after.drained = {dns};
  EXPECT_EQ(changed_services(before, after), (ownership{dns}));
  after = three();
  after.drain_only[web] = {dk("10.0.1.11:8080")};
  EXPECT_EQ(changed_services(before, after), (ownership{web}));
  desired_state other = after;
  other.drain_only[web] = {dk("10.0.1.12:8080")};
  EXPECT_EQ(changed_services(after, other), (ownership{web}));
  EXPECT_TRUE(changed_services(other, other).empty());
}

struct scoped_fixture : ::testing::Test {
  fake_backend fake;
  metrics::registry m;
  reconciler r{fake, m, log::logger("ipvs"), 60s};
  const owned_state owned{{web, api, dns}, false};
  const reconciler::clock::time_point t0{};

  scoped_fixture() {
    log::set_sink([](const log::record&) {});
  }
  ~scoped_fixture() override { log::reset_sink(); }
  scoped_fixture(const scoped_fixture&) = delete;
  scoped_fixture& operator=(const scoped_fixture&) = delete;
};

TEST_F(scoped_fixture, reads_and_writes_its_services_alone) {
  ASSERT_TRUE(r.reconcile(three(), owned, std::nullopt, t0));
  const auto full_reads = fake.snapshots();
  // Drift behind lbd's back in api, and a change lbd wants in web.
  fake.kernel()[api].attrs.scheduler = "sh";
  desired_state want = three();
  want.services[web].dests[dk("10.0.1.12:8080")].attrs.weight = 5;

  auto out = r.reconcile_scope(want, owned, {web}, t0 + 1s);
  ASSERT_TRUE(out);
  ASSERT_EQ(out->ops.size(), 1U);
  EXPECT_EQ(out->ops[0].kind, op_kind::edit_dest);
  EXPECT_EQ(fake.kernel().at(web).dests.at(dk("10.0.1.12:8080")).attrs.weight, 5U);
  EXPECT_EQ(fake.kernel().at(api).attrs.scheduler, "sh");  // the periodic full pass repairs it, not this one
  EXPECT_EQ(fake.snapshots(), full_reads);
  EXPECT_EQ(fake.scoped_snapshots(), 1U);
  ASSERT_TRUE(out->scope);
  EXPECT_EQ(*out->scope, (ownership{web}));
  EXPECT_EQ(out->kernel.services.size(), 1U);
}

TEST_F(scoped_fixture, a_service_not_owned_is_never_touched_and_a_new_one_is_added) {
  const service_key foreign = tcp("198.51.100.1:80");
  fake.kernel()[foreign] = svc(sched("rr"), {{dk("10.9.9.9:80"), w(1)}});
  desired_state want = three();
  want.services[foreign] = svc(sched("wlc"), {});
  auto out = r.reconcile_scope(want, owned, {foreign, web}, t0);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out->scope, (ownership{web}));
  EXPECT_EQ(out->ops.size(), 3U);  // web and its two destinations
  EXPECT_EQ(fake.kernel().at(foreign).attrs.scheduler, "rr");
  EXPECT_EQ(fake.kernel().count(api), 0U);
}

TEST_F(scoped_fixture, drains_outside_the_scope_are_left_alone) {
  desired_state want = three();
  want.drained = {web, api};
  ASSERT_TRUE(r.reconcile(want, owned, std::nullopt, t0));
  fake.kernel()[web].dests[dk("10.0.1.11:8080")].counters.active = 2;
  fake.kernel()[api].dests[dk("10.0.2.11:8080")].counters.active = 2;
  desired_state failed = want;
  failed.services[web].dests.erase(dk("10.0.1.11:8080"));
  failed.services[api].dests.erase(dk("10.0.2.11:8080"));
  ASSERT_TRUE(r.reconcile(failed, owned, std::nullopt, t0 + 1s));
  ASSERT_TRUE(r.drains().draining(web, dk("10.0.1.11:8080")));
  ASSERT_TRUE(r.drains().draining(api, dk("10.0.2.11:8080")));

  // web's connections end; a pass over web alone finishes its drain and keeps api's.
  fake.kernel()[web].dests[dk("10.0.1.11:8080")].counters.active = 0;
  fake.kernel()[api].dests[dk("10.0.2.11:8080")].counters.active = 0;
  ASSERT_TRUE(r.reconcile_scope(failed, owned, {web}, t0 + 2s));
  EXPECT_FALSE(r.drains().draining(web, dk("10.0.1.11:8080")));
  EXPECT_EQ(fake.kernel().at(web).dests.count(dk("10.0.1.11:8080")), 0U);
  EXPECT_TRUE(r.drains().draining(api, dk("10.0.2.11:8080")));
  EXPECT_EQ(fake.kernel().at(api).dests.count(dk("10.0.2.11:8080")), 1U);

  ASSERT_TRUE(r.reconcile_scope(failed, owned, {api}, t0 + 3s));
  EXPECT_EQ(fake.kernel().at(api).dests.count(dk("10.0.2.11:8080")), 0U);
}

TEST_F(scoped_fixture, an_empty_scope_still_sets_the_timeouts) {
  desired_state want = three();
  want.timeouts = timeouts{600, 0, 0};
  auto out = r.reconcile_scope(want, owned, {}, t0);
  ASSERT_TRUE(out);
  ASSERT_EQ(out->ops.size(), 1U);
  EXPECT_EQ(out->ops[0].kind, op_kind::set_timeouts);
  EXPECT_EQ(fake.get_timeouts()->tcp, 600U);
  EXPECT_EQ(fake.scoped_snapshots(), 0U);  // no service to read
  EXPECT_EQ(fake.snapshots(), 0U);
}

TEST(backend, snapshot_of_defaults_to_the_whole_table_filtered) {
  fake_backend f;
  f.kernel()[web] = svc(sched("rr"), {});
  f.kernel()[api] = svc(sched("rr"), {});
  backend& b = f;
  EXPECT_EQ(b.snapshot_of({api, dns})->size(), 1U);
  EXPECT_EQ(b.backend::snapshot_of({api, dns})->count(api), 1U);
}

}  // namespace
}  // namespace lbd::ipvs

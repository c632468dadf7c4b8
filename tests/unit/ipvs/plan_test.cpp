// SPDX-License-Identifier: GPL-2.0-or-later
#include "ipvs/plan.hpp"

#include <gtest/gtest.h>

#include "helpers.hpp"

namespace lbd::ipvs {
namespace {

using namespace test;

struct plan_case {
  const char* name;
  table kernel;
  table desired;
  ownership owned;
  std::vector<op> expected;
};

op add_svc(service_key k, service_attrs a) { return op{op_kind::add_service, k, std::move(a), {}, {}, {}, {}}; }
op edit_svc(service_key k, service_attrs a) { return op{op_kind::edit_service, k, std::move(a), {}, {}, {}, {}}; }
op del_svc(service_key k) { return op{op_kind::del_service, k, {}, {}, {}, {}, {}}; }
op add_dst(service_key k, dest_key d, dest_attrs a) { return op{op_kind::add_dest, k, {}, d, a, {}, {}}; }
op edit_dst(service_key k, dest_key d, dest_attrs a) { return op{op_kind::edit_dest, k, {}, d, a, {}, {}}; }
op del_dst(service_key k, dest_key d) { return op{op_kind::del_dest, k, {}, d, {}, {}, {}}; }

const service_key web = tcp("192.0.2.10:80");
const service_key dns = udp("192.0.2.10:53");
const service_key web6 = tcp("[2001:db8::10]:443");
const service_key mark5 = fwm(5);
const service_key foreign = tcp("198.51.100.1:80");

service_attrs persistent(std::uint32_t timeout, std::optional<std::uint32_t> mask) {
  service_attrs a = sched("wlc", svc_flag::persistent);
  a.timeout = timeout;
  a.netmask = mask;
  return a;
}

dest_attrs thresholds(std::uint32_t u, std::uint32_t l) {
  dest_attrs a = w(1);
  a.u_threshold = u;
  a.l_threshold = l;
  return a;
}

dest_attrs tunnel(tunnel_type t, std::uint16_t port) {
  dest_attrs a = w(1, forwarding::tunnel);
  a.tun_type = t;
  a.tun_port = port;
  return a;
}

std::vector<plan_case> cases() {
  const table base{{web, svc(sched("wlc"), {{dk("10.0.1.11:8080"), w(3)}, {dk("10.0.1.12:8080"), w(1)}})}};
  std::vector<plan_case> c;
  c.push_back({"kernel already matches: zero ops", base, base, {web}, {}});
  c.push_back({"empty kernel: service first, then its destinations",
               {},
               base,
               {web},
               {add_svc(web, sched("wlc")), add_dst(web, dk("10.0.1.11:8080"), w(3)),
                add_dst(web, dk("10.0.1.12:8080"), w(1))}});
  {
    table kernel = base;
    kernel[foreign] = svc(sched("rr"), {{dk("10.9.9.9:80"), w(1)}});
    c.push_back({"foreign service left alone", kernel, base, {web}, {}});
    table desired = base;
    desired[foreign] = svc(sched("wlc"));
    c.push_back({"foreign service left alone even when desired names it", kernel, desired, {web}, {}});
  }
  {
    table kernel{{web, svc(sched("wlc"), {{dk("10.0.1.11:8080"), w(7)}, {dk("10.0.1.99:8080"), w(1)}})}};
    c.push_back({"drift repaired: wrong weight, missing and extra destination",
                 kernel,
                 base,
                 {web},
                 {del_dst(web, dk("10.0.1.99:8080")), edit_dst(web, dk("10.0.1.11:8080"), w(3)),
                  add_dst(web, dk("10.0.1.12:8080"), w(1))}});
  }
  {
    table kernel{{web, svc(sched("wlc"))}};
    c.push_back({"drift repaired after ipvsadm -C of destinations",
                 kernel,
                 base,
                 {web},
                 {add_dst(web, dk("10.0.1.11:8080"), w(3)), add_dst(web, dk("10.0.1.12:8080"), w(1))}});
  }
  {
    table desired = base;
    desired[web].attrs = sched("rr");
    c.push_back({"scheduler change edits in place", base, desired, {web}, {edit_svc(web, sched("rr"))}});
    desired[web].attrs = persistent(300, 0xffffff00U);
    c.push_back(
        {"persistence and netmask edit in place", base, desired, {web}, {edit_svc(web, persistent(300, 0xffffff00U))}});
    desired[web].attrs = sched("sh", svc_flag::sh_port | svc_flag::sh_fallback);
    c.push_back({"scheduler flags edit in place",
                 base,
                 desired,
                 {web},
                 {edit_svc(web, sched("sh", svc_flag::sh_port | svc_flag::sh_fallback))}});
    service_attrs pe = persistent(60, std::nullopt);
    pe.pe_name = "sip";
    desired[web].attrs = pe;
    c.push_back({"persistence engine edits in place", base, desired, {web}, {edit_svc(web, pe)}});
  }
  {
    table desired = base;
    desired[web].dests[dk("10.0.1.11:8080")].attrs = w(3, forwarding::droute);
    c.push_back({"forwarding change edits in place",
                 base,
                 desired,
                 {web},
                 {edit_dst(web, dk("10.0.1.11:8080"), w(3, forwarding::droute))}});
    desired[web].dests[dk("10.0.1.11:8080")].attrs = thresholds(100, 10);
    c.push_back(
        {"thresholds edit in place", base, desired, {web}, {edit_dst(web, dk("10.0.1.11:8080"), thresholds(100, 10))}});
    desired[web].dests[dk("10.0.1.11:8080")].attrs = tunnel(tunnel_type::gue, 6080);
    c.push_back({"tunnel type and port edit in place",
                 base,
                 desired,
                 {web},
                 {edit_dst(web, dk("10.0.1.11:8080"), tunnel(tunnel_type::gue, 6080))}});
  }
  {
    const service_key web81 = tcp("192.0.2.10:81");
    table desired{{web81, base.at(web)}};
    c.push_back({"service key change: delete and re-add",
                 base,
                 desired,
                 {web, web81},
                 {del_svc(web), add_svc(web81, sched("wlc")), add_dst(web81, dk("10.0.1.11:8080"), w(3)),
                  add_dst(web81, dk("10.0.1.12:8080"), w(1))}});
    c.push_back({"key change without the old key owned leaves the old service",
                 base,
                 desired,
                 {web81},
                 {add_svc(web81, sched("wlc")), add_dst(web81, dk("10.0.1.11:8080"), w(3)),
                  add_dst(web81, dk("10.0.1.12:8080"), w(1))}});
  }
  {
    table desired = base;
    desired[web].dests.erase(dk("10.0.1.11:8080"));
    desired[web].dests[dk("10.0.1.11:8081")].attrs = w(3);
    c.push_back({"destination port change: delete and re-add",
                 base,
                 desired,
                 {web},
                 {del_dst(web, dk("10.0.1.11:8080")), add_dst(web, dk("10.0.1.11:8081"), w(3))}});
  }
  c.push_back(
      {"service leaving the config: one delete, the kernel drops its destinations", base, {}, {web}, {del_svc(web)}});
  c.push_back({"owned key absent everywhere: nothing", {}, {}, {web}, {}});
  {
    table kernel = base;
    kernel[web].dests[dk("10.0.1.11:8080")].counters.active = 42;
    kernel[web].stats.conns = 1000;
    c.push_back({"counters are not compared", kernel, base, {web}, {}});
  }
  {
    table kernel{{dns, svc(sched("rr"), {{dk("10.0.2.1:53"), w(1)}})},
                 {web, svc(sched("wlc"), {{dk("10.0.1.11:8080"), w(1)}})}};
    table desired{{web, svc(sched("wlc"), {{dk("10.0.1.12:8080"), w(1)}})},
                  {web6, svc(sched("rr"), {{dk("[2001:db8::11]:443"), w(2)}})},
                  {mark5, svc(sched("sh"), {{dk("10.0.1.11:0"), w(1, forwarding::droute)}})}};
    c.push_back(
        {"order: destination deletes, service deletes, service adds, destination adds",
         kernel,
         desired,
         {dns, web, web6, mark5},
         {del_dst(web, dk("10.0.1.11:8080")), del_svc(dns), add_svc(web6, sched("rr")), add_svc(mark5, sched("sh")),
          add_dst(web, dk("10.0.1.12:8080"), w(1)), add_dst(web6, dk("[2001:db8::11]:443"), w(2)),
          add_dst(mark5, dk("10.0.1.11:0"), w(1, forwarding::droute))}});
  }
  {
    const service_key s = sctp("192.0.2.20:9000");
    table desired{
        {s, svc(sched("mh", svc_flag::mh_port), {{dk("[2001:db8::21]:9000"), tunnel(tunnel_type::ipip, 0)}})}};
    c.push_back({"sctp service with a mixed-family tunnel destination",
                 {},
                 desired,
                 {s},
                 {add_svc(s, sched("mh", svc_flag::mh_port)),
                  add_dst(s, dk("[2001:db8::21]:9000"), tunnel(tunnel_type::ipip, 0))}});
  }
  return c;
}

// Readable test names in ctest instead of a byte dump of the parameter (GoogleTest looks up PrintTo).
// NOLINTNEXTLINE(readability-identifier-naming)
void PrintTo(const plan_case& c, std::ostream* os) { *os << c.name; }

class plan_table : public ::testing::TestWithParam<plan_case> {};

TEST_P(plan_table, produces_expected_ops) {
  const auto& c = GetParam();
  const auto ops = plan(c.kernel, c.desired, c.owned);
  ASSERT_EQ(ops.size(), c.expected.size()) << c.name;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    EXPECT_EQ(ops[i], c.expected[i]) << c.name << ": op " << i << " is " << describe(ops[i]) << ", expected "
                                     << describe(c.expected[i]);
  }
}

std::string case_name(const ::testing::TestParamInfo<plan_case>& info) {
  std::string n;
  for (const char* p = info.param.name; *p != 0; ++p) n += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
  return n + "_" + std::to_string(info.index);
}

INSTANTIATE_TEST_SUITE_P(ipvs, plan_table, ::testing::ValuesIn(cases()), case_name);

TEST(plan, applying_the_plan_to_a_copy_reaches_the_desired_table) {
  // Planning again against the result must give nothing: the plan is complete.
  for (const auto& c : cases()) {
    table k = c.kernel;
    for (const auto& o : plan(c.kernel, c.desired, c.owned)) {
      switch (o.kind) {
        case op_kind::add_service: k[o.service].attrs = o.svc; break;
        case op_kind::edit_service: k[o.service].attrs = o.svc; break;
        case op_kind::del_service: k.erase(o.service); break;
        case op_kind::add_dest:
        case op_kind::edit_dest: k[o.service].dests[o.dest].attrs = o.dst; break;
        case op_kind::del_dest: k[o.service].dests.erase(o.dest); break;
        case op_kind::set_timeouts:
        case op_kind::start_daemon:
        case op_kind::stop_daemon: ADD_FAILURE() << "a table plan has only table operations"; break;
      }
    }
    EXPECT_TRUE(plan(k, c.desired, c.owned).empty()) << c.name;
  }
}

TEST(plan, describe_names_the_change) {
  EXPECT_EQ(describe(add_svc(web, sched("wlc"))), "add service tcp 192.0.2.10:80 (wlc)");
  EXPECT_EQ(describe(del_svc(fwm(5, address_family::ipv6))), "delete service fwmark 5 ipv6");
  EXPECT_EQ(describe(edit_dst(web, dk("10.0.1.11:8080"), w(3))),
            "edit destination 10.0.1.11:8080 of tcp 192.0.2.10:80 (masq, weight 3)");
  EXPECT_EQ(describe(add_svc(web, persistent(300, std::nullopt))),
            "add service tcp 192.0.2.10:80 (wlc, persistent 300s)");
}

}  // namespace
}  // namespace lbd::ipvs

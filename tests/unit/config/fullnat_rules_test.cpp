// SPDX-License-Identifier: GPL-2.0-or-later
// forwarding = "fullnat" and [ipvs] fullnat_pool4/6, fullnat_table: one failing input per rule, and
// what a valid one reads.
#include "rule_case.hpp"

namespace lbd::config::test {
namespace {

class fullnat_rule : public testing::TestWithParam<rule_case> {};
TEST_P(fullnat_rule, is_reported_at_its_position) { expect_rule(GetParam()); }

// POOL: lines 1-2; VS: lines 3-6, a fullnat service; RS: its real server (lines 7-8).
#define POOL "[ipvs]\nfullnat_pool4 = \"10.0.0.1-10.0.0.4\"\n"
#define VS "[[virtual_server]]\nname = \"web\"\naddress = \"192.0.2.10:80\"\nforwarding = \"fullnat\"\n"
#define RS "[[virtual_server.real_server]]\naddress = \"10.0.1.11:8080\"\n"

INSTANTIATE_TEST_SUITE_P(
    config, fullnat_rule,
    testing::Values(
        rule_case{"needs_a_pool", VS RS, "4:14",
                  "virtual_server[web].forwarding: fullnat needs the local addresses its connections leave from: set "
                  "[ipvs] fullnat_pool4"},
        rule_case{"needs_a_pool_of_its_family",
                  POOL "[[virtual_server]]\nname = \"web\"\naddress = \"[2001:db8::10]:80\"\nforwarding = \"fullnat\"\n"
                       "[[virtual_server.real_server]]\naddress = \"[2001:db8:1::11]:80\"\n",
                  "6:14", "set [ipvs] fullnat_pool6"},
        rule_case{"not_on_fwmark_services",
                  POOL "[[virtual_server]]\nname = \"web\"\nfwmark = 5\nforwarding = \"fullnat\"\n" RS, "6:14",
                  "virtual_server[web].forwarding: fullnat needs a service with an address"},
        rule_case{"not_on_port_zero",
                  POOL "[[virtual_server]]\nname = \"web\"\naddress = \"192.0.2.10:0\"\nforwarding = \"fullnat\"\n"
                       "persistence = {}\n" RS,
                  "6:14", "fullnat needs a port on the address"},
        rule_case{"server_cannot_leave_it", POOL VS RS "forwarding = \"dr\"\n", "9:14",
                  "real_server[#1].forwarding: the service forwards by fullnat, which applies to all of its real "
                  "servers, so none can forward by dr"},
        rule_case{"server_cannot_take_it_alone",
                  POOL "[[virtual_server]]\nname = \"web\"\naddress = \"192.0.2.10:80\"\n" RS
                       "forwarding = \"fullnat\"\n",
                  "8:14", "fullnat is set on the [[virtual_server]], for all of its real servers"},
        rule_case{"server_needs_a_port", POOL VS "[[virtual_server.real_server]]\naddress = \"10.0.1.11\"\n", "8:11",
                  "'10.0.1.11' needs a port with fullnat forwarding"},
        rule_case{"pool_is_addresses", "[ipvs]\nfullnat_pool4 = \"10.0.0.1-banana\"\n", "2:17",
                  "ipvs.fullnat_pool4: '10.0.0.1-banana' is not an address or a range first-last"},
        rule_case{"pool_of_the_family", "[ipvs]\nfullnat_pool6 = \"10.0.0.1\"\n", "2:17",
                  "ipvs.fullnat_pool6: '10.0.0.1' is not inet6"},
        rule_case{"pool_in_order", "[ipvs]\nfullnat_pool4 = \"10.0.0.9-10.0.0.1\"\n", "2:17",
                  "the range ends before it starts"},
        rule_case{"table_name", "[ipvs]\nfullnat_table = \"my table\"\n", "2:17",
                  "ipvs.fullnat_table: 'my table' is not a table name"}),
    name_of_case);

TEST(fullnat, reads_pools_table_and_the_services_forwarding) {
  auto r = load_string(POOL "fullnat_pool6 = \"2001:db8::1\"\nfullnat_table = \"lb_nat\"\n" VS RS, "t.conf",
                       load_options{"test-node"});
  ASSERT_TRUE(r.ok()) << dump(r);
  const auto& f = r.cfg->ipvs.fullnat;
  ASSERT_TRUE(f.pool4 && f.pool6);
  EXPECT_EQ(to_string(*f.pool4), "10.0.0.1-10.0.0.4");
  EXPECT_EQ(to_string(*f.pool6), "2001:db8::1");
  EXPECT_EQ(f.table, "lb_nat");
  const auto& vs = r.cfg->virtual_servers.at(0);
  EXPECT_EQ(vs.method, forwarding::fullnat);
  EXPECT_EQ(vs.real_servers.at(0).method, forwarding::fullnat);
  EXPECT_EQ(vs.real_servers.at(0).address.port, 8080);
}

TEST(fullnat, table_defaults_to_lbd) {
  auto r = load_string(POOL, "t.conf", load_options{"test-node"});
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_EQ(r.cfg->ipvs.fullnat.table, "lbd");
  EXPECT_FALSE(r.cfg->ipvs.fullnat.pool6);
}

}  // namespace
}  // namespace lbd::config::test

// The CI builds compile several test files as one translation unit.
#undef RS
#undef VS

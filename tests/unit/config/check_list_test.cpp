// SPDX-License-Identifier: GPL-2.0-or-later
// `check` as an array: several checks per real server, all must pass. How lists are resolved and
// shared, and one failing input per rule.
#include <gtest/gtest.h>

#include "config/load.hpp"
#include "config/names.hpp"
#include "rule_case.hpp"

namespace lbd::config::test {
namespace {

namespace hc = healthcheck;

#define VS "[[virtual_server]]\nname = \"web\"\naddress = \"192.0.2.10:80\"\n"
#define RS(n) "[[virtual_server.real_server]]\naddress = \"10.0.1.1" #n ":8080\"\n"

TEST(check_list, a_service_array_is_every_servers_list_held_once) {
  auto r = load_string(VS
                       "check = [{ type = \"http\", path = \"/h\" }, { type = \"tcp\", connect_to = \"10.0.9.9:22\", "
                       "fall = 1 }]\n" RS(1) RS(2),
                       "t.conf", load_options{"n"});
  ASSERT_TRUE(r.ok()) << dump(r);
  const auto& vs = r.cfg->virtual_servers.at(0);
  ASSERT_EQ(vs.checks->size(), 2U);
  EXPECT_EQ(type_of(vs.checks->at(0)), check_type::http);
  EXPECT_EQ(vs.checks->at(1).thresholds.fall, 1U);
  EXPECT_EQ(vs.checks->at(1).thresholds.rise, 2U);  // each entry has the defaults of its own
  // Both servers hold the service's list itself, not copies.
  EXPECT_EQ(vs.real_servers.at(0).checks, vs.checks);
  EXPECT_EQ(vs.real_servers.at(1).checks, vs.checks);
}

TEST(check_list, a_server_array_replaces_the_services_checks_and_inherits_nothing) {
  auto r = load_string(VS "check = { type = \"http\", path = \"/h\", interval = \"5s\", timeout = \"2s\" }\n" RS(1)
                          "check = [{ type = \"tcp\" }, { type = \"script\", command = [\"/bin/true\"] }]\n" RS(2)
                          "check = [{ type = \"tcp\" }, { type = \"script\", command = [\"/bin/true\"] }]\n" RS(3),
                       "t.conf", load_options{"n"});
  ASSERT_TRUE(r.ok()) << dump(r);
  const auto& vs = r.cfg->virtual_servers.at(0);
  const auto& a = *vs.real_servers.at(0).checks;
  ASSERT_EQ(a.size(), 2U);
  EXPECT_EQ(type_of(a[0]), check_type::tcp);
  EXPECT_EQ(a[0].timing.interval, std::chrono::seconds(2));  // lbd.conf's default, not the service's 5s
  EXPECT_EQ(type_of(a[1]), check_type::script);
  // The next server with the same list shares it; the third keeps the service's single check.
  EXPECT_EQ(vs.real_servers.at(1).checks, vs.real_servers.at(0).checks);
  EXPECT_EQ(vs.real_servers.at(2).checks, vs.checks);
  ASSERT_EQ(vs.checks->size(), 1U);
}

TEST(check_list, an_array_of_one_is_the_same_as_a_table) {
  auto table = load_string(VS "check = { type = \"tcp\" }\n" RS(1), "t.conf", load_options{"n"});
  auto array = load_string(VS "check = [{ type = \"tcp\" }]\n" RS(1), "t.conf", load_options{"n"});
  ASSERT_TRUE(table.ok() && array.ok());
  EXPECT_EQ(*table.cfg->virtual_servers.at(0).checks, *array.cfg->virtual_servers.at(0).checks);
}

TEST(check_list, every_check_of_a_portless_server_needs_a_port) {
  auto r = load_string(
      "[[virtual_server]]\nname = \"m\"\nfwmark = 5\npersistence = {}\n"
      "[[virtual_server.real_server]]\naddress = \"10.0.1.11\"\n"
      "check = [{ type = \"script\", command = [\"/bin/true\"] }, { type = \"tcp\" }]\n",
      "t.conf", load_options{"n"});
  EXPECT_FALSE(r.ok());
  EXPECT_NE(dump(r).find("has no port for its tcp check"), std::string::npos) << dump(r);
}

// ipvsadm and keepalived add a dr or tun server of a fwmark service with port 0 (the method never
// changes the packet's port); the written port stays where its checks connect.
TEST(check_list, a_fwmark_dr_servers_port_is_where_its_checks_connect) {
  auto r = load_string(
      "[[virtual_server]]\nname = \"m\"\nfwmark = 5\nforwarding = \"dr\"\n"
      "check = [{ type = \"tcp\" }, { type = \"http\", connect_to = \"10.0.1.11:8080\" }]\n"
      "[[virtual_server.real_server]]\naddress = \"10.0.1.11:80\"\n"
      "[[virtual_server.real_server]]\naddress = \"10.0.1.12:80\"\nforwarding = \"nat\"\n",
      "t.conf", load_options{"n"});
  ASSERT_TRUE(r.ok()) << dump(r);
  const auto& dr = r.cfg->virtual_servers.at(0).real_servers.at(0);
  EXPECT_EQ(to_string(dr.address), "10.0.1.11:0");
  ASSERT_EQ(dr.checks->size(), 2U);
  EXPECT_EQ(to_string(*dr.checks->at(0).connect_to), "10.0.1.11:80");
  EXPECT_EQ(to_string(*dr.checks->at(1).connect_to), "10.0.1.11:8080");  // its own stays
  const auto& nat = r.cfg->virtual_servers.at(0).real_servers.at(1);
  EXPECT_EQ(to_string(nat.address), "10.0.1.12:80");  // NAT rewrites the port: kept
  EXPECT_EQ(nat.checks, r.cfg->virtual_servers.at(0).checks);
}

class check_list_rule : public testing::TestWithParam<rule_case> {};
TEST_P(check_list_rule, is_reported_at_its_position) { expect_rule(GetParam()); }

INSTANTIATE_TEST_SUITE_P(
    config, check_list_rule,
    testing::Values(rule_case{"empty", VS "check = []\n" RS(1), "4:9",
                              "virtual_server[web].check: must list 1 to 16 checks, not 0"},
                    rule_case{"not_a_table", VS "check = [{ type = \"tcp\" }, 3]\n" RS(1), "4:28",
                              "virtual_server[web].check[1]: expected a table"},
                    rule_case{"not_a_table_or_array", VS "check = \"tcp\"\n" RS(1), "4:9",
                              "virtual_server[web].check: expected a table (one check) or an array of tables"},
                    rule_case{"none_among_several", VS "check = [{ type = \"tcp\" }, { type = \"none\" }]\n" RS(1),
                              "4:28", "virtual_server[web].check[1]: type none cannot be one of several checks"},
                    rule_case{"entry_rule_names_its_index",
                              VS "check = [{ type = \"tcp\" }, { type = \"http\", path = \"x\" }]\n" RS(1), "4:52",
                              "virtual_server[web].check[1].path: 'x' must start with '/'"},
                    rule_case{
                        "server_table_over_several",
                        VS "check = [{ type = \"tcp\" }, { type = \"http\" }]\n" RS(1) "check = { fall = 1 }\n", "7:9",
                        "virtual_server[web].real_server[10.0.1.11:8080].check: the service has 2 checks, so a table "
                        "cannot say which one to change"}),
    name_of_case);

TEST(check_list, at_most_sixteen_checks) {
  std::string many = VS "check = [";
  for (int i = 0; i < 17; ++i) many += "{ type = \"tcp\" },";
  many += "]\n" RS(1);
  auto r = load_string(many, "t.conf", load_options{"n"});
  EXPECT_FALSE(r.ok());
  EXPECT_NE(dump(r).find("must list 1 to 16 checks, not 17"), std::string::npos) << dump(r);
}

}  // namespace
}  // namespace lbd::config::test

// The CI builds compile several test files as one translation unit.
#undef RS
#undef VS

// SPDX-License-Identifier: GPL-2.0-or-later
// check.data_path and the marks lbd gives it: one failing input per rule, and what a valid one reads.
#include "rule_case.hpp"

namespace lbd::config::test {
namespace {

class data_path_rule : public testing::TestWithParam<rule_case> {};
TEST_P(data_path_rule, is_reported_at_its_position) { expect_rule(GetParam()); }

// VS: lines 1-3, a nat service; DR: the same with dr on line 4. The check follows, then the real
// server (RS_PORT: with a port, as nat needs).
#define VS "[[virtual_server]]\nname = \"web\"\naddress = \"192.0.2.10:80\"\n"
#define DR VS "forwarding = \"dr\"\n"
#define RS "[[virtual_server.real_server]]\naddress = \"10.0.1.11\"\n"
#define RS_PORT "[[virtual_server.real_server]]\naddress = \"10.0.1.11:80\"\n"

INSTANTIATE_TEST_SUITE_P(
    config, data_path_rule,
    testing::Values(
        rule_case{"not_for_udp", DR "check = { type = \"udp\", send = \"x\", data_path = true }\n" RS, "5:37",
                  "virtual_server[web].check.data_path: is only valid for tcp, http and https checks, not for a udp "
                  "check"},
        rule_case{"boolean", DR "check = { type = \"tcp\", data_path = \"yes\" }\n" RS, "5:37",
                  "virtual_server[web].check.data_path: expected a boolean"},
        rule_case{"not_with_nat", VS "check = { type = \"tcp\", data_path = true }\n" RS_PORT, "4:37",
                  "virtual_server[web].check.data_path: needs dr or tun forwarding, and 10.0.1.11:80 forwards by nat"},
        rule_case{"server_turns_nat",
                  DR "check = { type = \"tcp\", data_path = true }\n" RS_PORT "forwarding = \"nat\"\nweight = 1\n",
                  "8:14", "real_server[#1].forwarding: nat cannot carry the service's data_path check"},
        rule_case{"own_check_on_nat_server",
                  VS "[[virtual_server.real_server]]\naddress = \"10.0.1.11:80\"\n"
                     "check = [{ type = \"tcp\" }, { type = \"http\", data_path = true }]\n",
                  "6:57", "real_server[#1].check[1].data_path: needs dr or tun forwarding"},
        rule_case{"not_for_fwmark_services",
                  "[[virtual_server]]\nname = \"web\"\nfwmark = 7\nforwarding = \"dr\"\n"
                  "check = { type = \"tcp\", connect_to = \"192.0.2.10:80\", data_path = true }\n" RS,
                  "5:67", "check.data_path: needs a service with an address, not a fwmark"},
        rule_case{"not_across_families",
                  VS "forwarding = \"tun\"\ncheck = { type = \"tcp\", data_path = true }\n"
                     "[[virtual_server.real_server]]\naddress = \"[2001:db8::11]:80\"\n",
                  "5:37", "check.data_path: needs a real server of the service's family, and [2001:db8::11]:80 is"},
        rule_case{"fwmark_in_lbd_range", "[[virtual_server]]\nname = \"web\"\nfwmark = 1279393800\n" RS "weight = 1\n",
                  "3:10", "virtual_server[web].fwmark: 1279393800 is in the marks lbd gives its data-path checks"},
        rule_case{"marks_fit_32_bits", "[ipvs]\ndata_path_fwmark_base = 4294967000\n", "2:25",
                  "ipvs.data_path_fwmark_base: the marks 4294967000 and the 65535 after it do not fit in 32 bits"}),
    name_of_case);

TEST(data_path, reads_on_dr_and_tun_services_and_is_inherited) {
  const char* text = DR "check = { type = \"tcp\", data_path = true }\n" RS
                        "[[virtual_server.real_server]]\naddress = \"10.0.1.12\"\nforwarding = \"tun\"\n"
                        "[[virtual_server.real_server]]\naddress = \"10.0.1.13\"\ncheck = { data_path = false }\n";
  auto r = load_string(text, "t.conf", load_options{"test-node"});
  ASSERT_TRUE(r.ok()) << dump(r);
  const auto& servers = r.cfg->virtual_servers.at(0).real_servers;
  EXPECT_TRUE(servers.at(0).checks->at(0).data_path);
  EXPECT_TRUE(servers.at(1).checks->at(0).data_path);
  EXPECT_FALSE(servers.at(2).checks->at(0).data_path);
  EXPECT_EQ(r.cfg->ipvs.data_path, data_path_marks{});
}

TEST(data_path, a_new_type_does_not_inherit_it) {
  const char* text = DR "check = { type = \"tcp\", data_path = true }\n" RS "check = { type = \"http\" }\n";
  auto r = load_string(text, "t.conf", load_options{"test-node"});
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_FALSE(r.cfg->virtual_servers.at(0).real_servers.at(0).checks->at(0).data_path);
}

TEST(data_path, marks_are_configurable) {
  auto r = load_string(
      "[ipvs]\ndata_path_fwmark_base = 1000\ndata_path_fwmark_count = 10\n"
      "[[virtual_server]]\nname = \"web\"\nfwmark = 1010\n" RS "weight = 1\n",
      "t.conf", load_options{"test-node"});
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_EQ(r.cfg->ipvs.data_path.base, 1000U);
  EXPECT_EQ(r.cfg->ipvs.data_path.count, 10U);
  EXPECT_TRUE(r.cfg->ipvs.data_path.contains(1009));
  EXPECT_FALSE(r.cfg->ipvs.data_path.contains(1010));
}

}  // namespace
}  // namespace lbd::config::test

// The CI builds compile several test files as one translation unit.
#undef RS
#undef RS_PORT
#undef VS

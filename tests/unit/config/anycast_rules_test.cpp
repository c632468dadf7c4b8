// SPDX-License-Identifier: GPL-2.0-or-later
// [[anycast]], virtual_server.anycast and the [global] anycast_* keys: one failing input per rule,
// the warnings about directors that would disagree, and what a valid file reads.
#include "rule_case.hpp"

namespace lbd::config::test {
namespace {

class anycast_rule : public testing::TestWithParam<rule_case> {};
TEST_P(anycast_rule, is_reported_at_its_position) { expect_rule(GetParam()); }

// GROUP: lines 1-3; VS: lines 4-9, an mh DR service of it, [ipvs] sloppy_tcp set (lines 10-11).
#define GROUP "[[anycast]]\nname = \"web\"\nvirtual_ips = [\"192.0.2.10\"]\n"
#define VS_HEAD "[[virtual_server]]\nname = \"http\"\naddress = \"192.0.2.10:80\"\nanycast = \"web\"\n"
#define VS VS_HEAD "scheduler = \"mh\"\nforwarding = \"dr\"\non_failure = \"inhibit\"\n"
#define SLOPPY "[ipvs]\nsloppy_tcp = true\n"
#define RS "[[virtual_server.real_server]]\naddress = \"10.0.1.11:80\"\n"

INSTANTIATE_TEST_SUITE_P(
    config, anycast_rule,
    testing::Values(
        rule_case{"group_needs_vips", "[[anycast]]\nname = \"web\"\n", "1:1",
                  "anycast[web]: missing required key 'virtual_ips'"},
        rule_case{"vips_are_hosts", "[[anycast]]\nname = \"web\"\nvirtual_ips = [\"127.0.0.1\"]\n", "3:16",
                  "127.0.0.1 cannot be a virtual IP"},
        rule_case{"vip_once_in_a_group", "[[anycast]]\nname = \"web\"\nvirtual_ips = [\"192.0.2.1\", \"192.0.2.1\"]\n",
                  "3:29", "192.0.2.1 is listed twice"},
        rule_case{"watermarks_in_order", GROUP "high_watermark = 50\nlow_watermark = 60\n", "5:17",
                  "low_watermark 60% is above high_watermark 50%"},
        rule_case{"watermarks_are_percent", GROUP "high_watermark = 101\n", "4:18", "anycast[web].high_watermark"},
        rule_case{"group_names_unique", GROUP "[[anycast]]\nname = \"web\"\nvirtual_ips = [\"192.0.2.11\"]\n", "5:8",
                  "anycast[web].name: 'web' is already used by the group at line 2"},
        rule_case{"vip_in_one_group", GROUP "[[anycast]]\nname = \"web2\"\nvirtual_ips = [\"192.0.2.10\"]\n", "6:15",
                  "192.0.2.10 is already a virtual IP of anycast[web]"},
        rule_case{"vip_not_also_vrrp",
                  GROUP "[[vrrp]]\nname = \"v\"\ninterface = \"eth0\"\nvrid = 1\nvirtual_ips = [\"192.0.2.10/24\"]\n",
                  "3:15", "192.0.2.10 is a virtual IP of vrrp[v]"},
        rule_case{"service_names_a_group", "[[anycast]]\nname = \"webs\"\nvirtual_ips = [\"192.0.2.10\"]\n" VS RS,
                  "7:11", "virtual_server[http].anycast: no anycast group is named 'web'; did you mean 'webs'?"},
        rule_case{"service_on_the_groups_vip",
                  GROUP "[[virtual_server]]\nname = \"http\"\naddress = \"192.0.2.11:80\"\nanycast = \"web\"\n"
                        "scheduler = \"mh\"\n",
                  "6:11", "192.0.2.11 is not a virtual IP of anycast[web]"},
        rule_case{"announced_vip_needs_its_group",
                  GROUP "[[virtual_server]]\nname = \"http\"\naddress = \"192.0.2.10:80\"\nscheduler = \"mh\"\n",
                  "6:11", "192.0.2.10 is announced by anycast[web]: set anycast = \"web\" on this service"},
        rule_case{"not_both_vrrp_and_anycast",
                  GROUP VS
                  "vrrp = \"v\"\n" RS SLOPPY
                  "[[vrrp]]\nname = \"v\"\ninterface = \"eth0\"\nvrid = 1\nvirtual_ips = [\"192.0.2.99/24\"]\n",
                  "7:11", "a service's VIP is announced by VRRP or by BGP, not both"},
        rule_case{"route_table_not_local", "[global]\nanycast_route_table = 255\n", "2:23", "the kernel's local table"},
        rule_case{"route_protocol_not_the_kernels", "[global]\nanycast_route_protocol = 2\n", "2:26",
                  "global.anycast_route_protocol"},
        rule_case{"device_is_an_interface_name", "[global]\nanycast_device = \"a/b\"\n", "2:18",
                  "'a/b' is not a valid interface name"},
        rule_case{"warns_of_a_scheduler_directors_disagree_on",
                  GROUP VS_HEAD "scheduler = \"wlc\"\nforwarding = \"dr\"\n" RS SLOPPY, "8:13",
                  "wlc picks real servers differently on each director", severity::warning},
        rule_case{"warns_of_dr_without_sloppy_tcp", GROUP VS RS, "7:11", "set [ipvs] sloppy_tcp = true",
                  severity::warning},
        rule_case{"warns_of_nat",
                  GROUP VS_HEAD "scheduler = \"mh\"\nforwarding = \"nat\"\non_failure = \"inhibit\"\n" RS, "9:14",
                  "nat: the real servers' replies go back through the director that translated the connection",
                  severity::warning},
        rule_case{"warns_of_mh_with_servers_that_leave_the_list",
                  GROUP VS_HEAD "scheduler = \"mh\"\nforwarding = \"dr\"\non_failure = \"drain\"\n" RS SLOPPY, "10:14",
                  "drain deletes a failed real server and adds it back at the end of the kernel's list",
                  severity::warning},
        rule_case{"warns_of_a_group_without_service", GROUP, "2:8",
                  "no virtual_server has this anycast group: its VIPs are never announced", severity::warning}),
    name_of_case);

TEST(anycast, reads_groups_routes_and_sloppy) {
  auto r = load_string(
      "[global]\nanycast_device = \"bgp0\"\nanycast_route_protocol = 250\nanycast_route_table = 100\n"
      "anycast_stop_delay = \"10s\"\n" SLOPPY "sloppy_sctp = false\n" GROUP
      "interface = \"dummy0\"\nhigh_watermark = 80\nlow_watermark = 40\n" VS RS,
      "t.conf", load_options{"test-node"});
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_EQ(r.warning_count(), 0U) << dump(r);
  const auto& a = r.cfg->global.anycast;
  EXPECT_EQ(a.device, "bgp0");
  EXPECT_EQ(a.protocol, 250);
  EXPECT_EQ(a.table, 100U);
  EXPECT_EQ(a.stop_delay, std::chrono::seconds(10));
  EXPECT_EQ(r.cfg->ipvs.sloppy_tcp, true);
  EXPECT_EQ(r.cfg->ipvs.sloppy_sctp, false);
  ASSERT_EQ(r.cfg->anycast.size(), 1U);
  const auto& g = r.cfg->anycast[0];
  EXPECT_EQ(g.interface, "dummy0");
  EXPECT_EQ(g.high_watermark, 80U);
  EXPECT_EQ(g.low_watermark, 40U);
  EXPECT_EQ(r.cfg->virtual_servers.at(0).anycast, "web");
}

TEST(anycast, defaults) {
  auto r = load_string(GROUP VS RS SLOPPY, "t.conf", load_options{"test-node"});
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_EQ(r.cfg->global.anycast, anycast_routes{});
  EXPECT_EQ(r.cfg->global.anycast.device, "lbd-anycast");
  EXPECT_EQ(r.cfg->global.anycast.protocol, 245);
  EXPECT_EQ(r.cfg->global.anycast.table, 254U);
  EXPECT_EQ(r.cfg->anycast.at(0).interface, "lo");
  EXPECT_FALSE(r.cfg->ipvs.sloppy_sctp);
}

}  // namespace
}  // namespace lbd::config::test

// The CI builds compile several test files as one translation unit.
#undef RS
#undef VS
#undef VS_HEAD

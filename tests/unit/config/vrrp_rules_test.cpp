// SPDX-License-Identifier: GPL-2.0-or-later
// [[vrrp]]: one failing input per rule.
#include "rule_case.hpp"

namespace lbd::config::test {
namespace {

class vrrp_rule : public testing::TestWithParam<rule_case> {};
TEST_P(vrrp_rule, is_reported_at_its_position) { expect_rule(GetParam()); }

// Lines 1-4 of most cases; line 5 onwards is the key under test.
#define HEAD "[[vrrp]]\nname = \"web\"\ninterface = \"eth0\"\nvrid = 51\n"
#define VIPS "virtual_ips = [\"192.0.2.10/24\"]\n"

INSTANTIATE_TEST_SUITE_P(
    config, vrrp_rule,
    testing::Values(
        rule_case{"unknown_key", HEAD VIPS "preemt = true\n", "6:1",
                  "vrrp[web].preemt: unknown key; did you mean 'preempt'?"},
        rule_case{"missing_name", "[[vrrp]]\ninterface = \"eth0\"\nvrid = 51\n" VIPS, "1:1",
                  "vrrp[#1]: missing required key 'name'"},
        rule_case{"name_characters", "[[vrrp]]\nname = \"web 1\"\ninterface = \"eth0\"\nvrid = 51\n" VIPS, "2:8",
                  "vrrp[#1].name: 'web 1' may only contain"},
        rule_case{"missing_interface", "[[vrrp]]\nname = \"web\"\nvrid = 51\n" VIPS, "1:1",
                  "vrrp[web]: missing required key 'interface'"},
        rule_case{"interface_name_length",
                  "[[vrrp]]\nname = \"web\"\ninterface = \"a-very-long-interface\"\nvrid = 51\n" VIPS, "3:13",
                  "vrrp[web].interface: 'a-very-long-interface' is not a valid interface name"},
        rule_case{"missing_vrid", "[[vrrp]]\nname = \"web\"\ninterface = \"eth0\"\n" VIPS, "1:1",
                  "vrrp[web]: missing required key 'vrid'"},
        rule_case{"vrid_range", "[[vrrp]]\nname = \"web\"\ninterface = \"eth0\"\nvrid = 0\n" VIPS, "4:8",
                  "vrrp[web].vrid: 0 is out of range 1-255"},
        rule_case{"priority_range", HEAD VIPS "priority = 300\n", "6:12",
                  "vrrp[web].priority: 300 is out of range 1-255"},
        rule_case{"priority_type", HEAD VIPS "priority = \"150\"\n", "6:12",
                  "vrrp[web].priority: expected an integer, got a string"},
        rule_case{"version_range", HEAD VIPS "version = 4\n", "6:11", "vrrp[web].version: 4 is out of range 2-3"},
        rule_case{"advert_interval_v2_whole_seconds", HEAD VIPS "version = 2\nadvert_interval = \"1500ms\"\n", "7:19",
                  "vrrp[web].advert_interval: 1500ms is not a whole number of seconds from 1s to 255s (VRRPv2)"},
        rule_case{"advert_interval_v3_centiseconds", HEAD VIPS "advert_interval = \"15ms\"\n", "6:19",
                  "vrrp[web].advert_interval: 15ms is not a multiple of 10ms from 10ms to 40.95s (VRRPv3)"},
        rule_case{"advert_interval_v3_maximum", HEAD VIPS "advert_interval = \"41s\"\n", "6:19",
                  "vrrp[web].advert_interval: 41s is not a multiple of 10ms from 10ms to 40.95s (VRRPv3)"},
        rule_case{"preempt_type", HEAD VIPS "preempt = \"yes\"\n", "6:11",
                  "vrrp[web].preempt: expected a boolean (true or false), got a string"},
        rule_case{"preempt_delay_maximum", HEAD VIPS "preempt_delay = \"2h\"\n", "6:17",
                  "vrrp[web].preempt_delay: 2h is longer than 1h"},
        rule_case{"virtual_ips_required", HEAD, "1:1", "vrrp[web]: missing required key 'virtual_ips'"},
        rule_case{"virtual_ips_not_empty", HEAD "virtual_ips = []\n", "5:15",
                  "vrrp[web].virtual_ips: at least one virtual IP is needed"},
        rule_case{"virtual_ip_prefix_length", HEAD "virtual_ips = [\"192.0.2.10/33\"]\n", "5:16",
                  "vrrp[web].virtual_ips[0]: '192.0.2.10/33': prefix length must be a number from 0 to 32"},
        rule_case{"virtual_ip_one_family", HEAD "version = 3\nvirtual_ips = [\"192.0.2.10/24\", \"2001:db8::10/64\"]\n",
                  "6:33",
                  "vrrp[web].virtual_ips[1]: 2001:db8::10 is inet6 but the instance's first virtual IP is inet"},
        rule_case{"virtual_ip_twice", HEAD "virtual_ips = [\"192.0.2.10/24\", \"192.0.2.10/32\"]\n", "5:33",
                  "vrrp[web].virtual_ips[1]: 192.0.2.10 is listed twice"},
        rule_case{"virtual_ip_unspecified", HEAD "virtual_ips = [\"0.0.0.0/0\"]\n", "5:16",
                  "vrrp[web].virtual_ips[0]: 0.0.0.0 cannot be a virtual IP"},
        rule_case{"ipv6_needs_version_3", HEAD "version = 2\nvirtual_ips = [\"2001:db8::10/64\"]\n", "5:11",
                  "vrrp[web].version: VRRPv2 does not support IPv6 virtual IPs; use version = 3"},
        rule_case{"label_matches_interface",
                  HEAD "virtual_ips = [{ address = \"192.0.2.10/24\", label = \"eth1:web\" }]\n", "5:53",
                  "vrrp[web].virtual_ips[0].label: 'eth1:web' must be 'eth0:<name>'"},
        rule_case{"label_ipv4_only", HEAD "virtual_ips = [{ address = \"2001:db8::10/64\", label = \"eth0:web\" }]\n",
                  "5:55", "vrrp[web].virtual_ips[0].label: IPv6 addresses have no labels"},
        rule_case{"virtual_ip_table_unknown_key",
                  HEAD "virtual_ips = [{ address = \"192.0.2.10/24\", lable = \"eth0:a\" }]\n", "5:45",
                  "vrrp[web].virtual_ips[0].lable: unknown key; did you mean 'label'?"},
        rule_case{"unicast_peers_not_empty", HEAD VIPS "unicast_peers = []\n", "6:17",
                  "vrrp[web].unicast_peers: is empty; remove it to use multicast"},
        rule_case{"unicast_source_needs_peers", HEAD VIPS "unicast_source = \"192.0.2.2\"\n", "6:18",
                  "vrrp[web].unicast_source: is set but unicast_peers is not"},
        rule_case{"unicast_peer_family", HEAD VIPS "unicast_peers = [\"2001:db8::3\"]\n", "6:18",
                  "vrrp[web].unicast_peers[0]: 2001:db8::3 is inet6 but the virtual IPs are inet"},
        rule_case{"unicast_peer_twice", HEAD VIPS "unicast_peers = [\"192.0.2.3\", \"192.0.2.3\"]\n", "6:31",
                  "vrrp[web].unicast_peers[1]: 192.0.2.3 is listed twice"},
        rule_case{"mcast_source_not_with_unicast",
                  HEAD VIPS "unicast_peers = [\"192.0.2.3\"]\nmcast_source = \"192.0.2.2\"\n", "7:16",
                  "vrrp[web].mcast_source: cannot be combined with unicast_peers"},
        rule_case{"garp_repeat_range", HEAD VIPS "garp = { repeat = 1000 }\n", "6:19",
                  "vrrp[web].garp.repeat: 1000 is out of range 0-255"},
        rule_case{"garp_refresh_lower_bound", HEAD VIPS "garp = { refresh = \"10ms\" }\n", "6:20",
                  "vrrp[web].garp.refresh: 10ms is below the minimum 1s (0s turns it off)"},
        rule_case{"track_script_interval_lower_bound",
                  HEAD VIPS "track_scripts = [{ name = \"up\", command = [\"/bin/true\"], interval = \"1ms\" }]\n",
                  "6:69", "vrrp[web].track_scripts[0].interval: 1ms is below the minimum 100ms"},
        // 1.005s is exactly 1005ms (parsed on the digits): not a multiple of 10ms.
        rule_case{"advert_interval_centiseconds_exact", HEAD VIPS "advert_interval = \"1.005s\"\n", "6:19",
                  "vrrp[web].advert_interval: 1005ms is not a multiple of 10ms"},
        rule_case{"track_interface_weight_range", HEAD VIPS "track_interfaces = [{ name = \"eth1\", weight = 255 }]\n",
                  "6:47", "vrrp[web].track_interfaces[0].weight: 255 is out of range -254-254"},
        rule_case{"track_interface_twice", HEAD VIPS "track_interfaces = [{ name = \"eth1\" }, { name = \"eth1\" }]\n",
                  "6:49", "vrrp[web].track_interfaces[1].name: interface 'eth1' is tracked twice"},
        rule_case{
            "track_script_timeout_below_interval",
            HEAD VIPS
            "track_scripts = [{ name = \"up\", command = [\"/bin/true\"], interval = \"1s\", timeout = \"1s\" }]\n",
            "6:85", "vrrp[web].track_scripts[0].timeout: timeout 1s must be shorter than interval 1s"},
        rule_case{"track_script_command_absolute",
                  HEAD VIPS "track_scripts = [{ name = \"up\", command = [\"true\"] }]\n", "6:44",
                  "vrrp[web].track_scripts[0].command: 'true' must be an absolute path"},
        rule_case{"track_script_needs_command", HEAD VIPS "track_scripts = [{ name = \"up\" }]\n", "6:18",
                  "vrrp[web].track_scripts[0]: missing required key 'command'"},
        rule_case{"notify_unknown_key", HEAD VIPS "notify = { mastr = [\"/bin/true\"] }\n", "6:12",
                  "vrrp[web].notify.mastr: unknown key; did you mean 'master'?"},
        rule_case{"notify_command_type", HEAD VIPS "notify = { master = \"/bin/true\" }\n", "6:21",
                  "vrrp[web].notify.master: expected a command as an array of strings"},
        rule_case{"auth_is_v2_only", HEAD VIPS "auth = { type = \"pass\", password = \"secret\" }\n", "6:8",
                  "vrrp[web].auth: VRRPv3 has no authentication"},
        rule_case{"auth_password_length",
                  HEAD VIPS "version = 2\nauth = { type = \"pass\", password = \"123456789\" }\n", "7:36",
                  "vrrp[web].auth.password: is 9 bytes long; VRRPv2 passwords are at most 8"},
        rule_case{"auth_type", HEAD VIPS "version = 2\nauth = { type = \"ah\", password = \"x\" }\n", "7:17",
                  "vrrp[web].auth.type: 'ah' is not supported"},
        rule_case{"duplicate_name",
                  HEAD VIPS
                  "[[vrrp]]\nname = \"web\"\ninterface = \"eth1\"\nvrid = 52\nvirtual_ips = [\"10.0.1.1/24\"]\n",
                  "7:8", "vrrp[web].name: 'web' is already used by the instance at line 2"},
        rule_case{"duplicate_vrid_on_interface",
                  HEAD VIPS
                  "[[vrrp]]\nname = \"gw\"\ninterface = \"eth0\"\nvrid = 51\nvirtual_ips = [\"10.0.1.1/24\"]\n",
                  "9:8", "vrrp[gw].vrid: vrid 51 on eth0 (inet) is already used by vrrp[web]"},
        rule_case{"duplicate_virtual_ip",
                  HEAD VIPS
                  "[[vrrp]]\nname = \"gw\"\ninterface = \"eth1\"\nvrid = 52\nvirtual_ips = [\"192.0.2.10/24\"]\n",
                  "10:15", "vrrp[gw].virtual_ips: 192.0.2.10 is already a virtual IP of vrrp[web]"},
        rule_case{"sync_group_alone", HEAD VIPS "sync_group = \"director\"\n", "6:14",
                  "vrrp[web].sync_group: 'director' has no other member", severity::warning}),
    name_of_case);

}  // namespace
}  // namespace lbd::config::test

// SPDX-License-Identifier: GPL-2.0-or-later
// [[virtual_server]] and [[virtual_server.real_server]]: one failing input per rule.
#include "rule_case.hpp"

namespace lbd::config::test {
namespace {

class virtual_server_rule : public testing::TestWithParam<rule_case> {};
TEST_P(virtual_server_rule, is_reported_at_its_position) { expect_rule(GetParam()); }

// Lines 1-3; the key under test is on line 4.
#define VS "[[virtual_server]]\nname = \"http\"\naddress = \"192.0.2.10:80\"\n"
#define RS "[[virtual_server.real_server]]\naddress = \"10.0.1.11:8080\"\n"
// An instance holding 192.0.2.10, for the cases that must produce no coverage warning.
#define VIP "[[vrrp]]\nname = \"web\"\ninterface = \"eth0\"\nvrid = 51\nvirtual_ips = [\"192.0.2.10/24\"]\n"

INSTANTIATE_TEST_SUITE_P(
    config, virtual_server_rule,
    testing::Values(
        rule_case{"unknown_key", VS "schedular = \"rr\"\n" RS, "4:1",
                  "virtual_server[http].schedular: unknown key; did you mean 'scheduler'?"},
        rule_case{"missing_name", "[[virtual_server]]\naddress = \"192.0.2.10:80\"\n" RS, "1:1",
                  "virtual_server[#1]: missing required key 'name'"},
        rule_case{"address_or_fwmark_required", "[[virtual_server]]\nname = \"http\"\n" RS, "1:1",
                  "virtual_server[http]: missing required key 'address' (or 'fwmark')"},
        rule_case{"address_and_fwmark_exclusive", VS "fwmark = 1\n" RS, "4:10",
                  "virtual_server[http].fwmark: a service has either addresses or fwmarks, not both (write one service "
                  "of each)"},
        rule_case{"address_needs_port", "[[virtual_server]]\nname = \"http\"\naddress = \"192.0.2.10\"\n" RS, "3:11",
                  "virtual_server[http].address: '192.0.2.10' needs a port"},
        rule_case{"address_port_range", "[[virtual_server]]\nname = \"http\"\naddress = \"192.0.2.10:65536\"\n" RS,
                  "3:11",
                  "virtual_server[http].address: '192.0.2.10:65536': port '65536' is not a number from 0 to 65535"},
        rule_case{"ipv6_address_brackets", "[[virtual_server]]\nname = \"http\"\naddress = \"[2001:db8::10:80\"\n" RS,
                  "3:11", "virtual_server[http].address: '[2001:db8::10:80': missing ']' after IPv6 address"},
        rule_case{"port_zero_needs_persistence", "[[virtual_server]]\nname = \"all\"\naddress = \"192.0.2.10:0\"\n" RS,
                  "3:11", "virtual_server[all].address: port 0 (all ports) needs persistence"},
        rule_case{"outlier_detection_needs_tcp", VS "protocol = \"udp\"\noutlier_detection = {}\n" RS, "5:21",
                  "virtual_server[http].outlier_detection: needs protocol = \"tcp\" (this service is udp): only a TCP "
                  "connection shows whether the real server answered"},
        rule_case{"outlier_interval_floor", VS "outlier_detection = { interval = \"50ms\" }\n" RS, "4:34",
                  "virtual_server[http].outlier_detection.interval: 50ms is below the minimum 100ms (a read of the "
                  "connection table every 100 ms at most)"},
        rule_case{"outlier_max_below_base",
                  VS "outlier_detection = { base_ejection_time = \"1m\", max_ejection_time = \"30s\" }\n" RS, "4:70",
                  "virtual_server[http].outlier_detection.max_ejection_time: 30s is below base_ejection_time 1m"},
        rule_case{"outlier_percent_range", VS "outlier_detection = { unanswered_percent = 0 }\n" RS, "4:44",
                  "virtual_server[http].outlier_detection.unanswered_percent: 0 is out of range 1-100"},
        rule_case{"family_only_for_fwmark", VS "family = \"inet\"\n" RS, "4:10",
                  "virtual_server[http].family: is implied by the address"},
        rule_case{"fwmark_range", "[[virtual_server]]\nname = \"m\"\nfwmark = 0\n" RS, "3:10",
                  "virtual_server[m].fwmark: 0 is out of range 1-4294967295"},
        rule_case{"protocol_value", VS "protocol = \"tpc\"\n" RS, "4:12",
                  "virtual_server[http].protocol: 'tpc' is not valid; did you mean 'tcp'?"},
        rule_case{"scheduler_name", VS "scheduler = \"wrrr\"\n" RS, "4:13",
                  "virtual_server[http].scheduler: 'wrrr' is not valid; did you mean 'wrr'?"},
        rule_case{
            "scheduler_flag_needs_its_scheduler", VS "scheduler_flags = [\"sh-port\"]\n" RS, "4:20",
            "virtual_server[http].scheduler_flags[0]: 'sh-port' needs scheduler = \"sh\" (this service uses wlc)"},
        rule_case{"scheduler_flag_name", VS "scheduler = \"mh\"\nscheduler_flags = [\"mh-fallbak\"]\n" RS, "5:20",
                  "virtual_server[http].scheduler_flags[0]: 'mh-fallbak' is not a scheduler flag; did you mean "
                  "'mh-fallback'?"},
        rule_case{"scheduler_flag_twice", VS "scheduler_flags = [\"one-packet\", \"one-packet\"]\n" RS, "4:34",
                  "virtual_server[http].scheduler_flags[1]: 'one-packet' is listed twice"},
        rule_case{"forwarding_value", VS "forwarding = \"masq\"\n" RS, "4:14",
                  "virtual_server[http].forwarding: 'masq' is not valid; expected one of nat, dr, tun"},
        rule_case{"tunnel_needs_tun", VS "tunnel = { type = \"ipip\" }\n" RS, "4:10",
                  "virtual_server[http].tunnel: is only used with forwarding = \"tun\""},
        rule_case{"gue_needs_port", VS "forwarding = \"tun\"\ntunnel = { type = \"gue\" }\n" RS, "5:10",
                  "virtual_server[http].tunnel: missing required key 'port'"},
        rule_case{"port_only_for_gue", VS "forwarding = \"tun\"\ntunnel = { type = \"gre\", port = 6080 }\n" RS, "5:33",
                  "virtual_server[http].tunnel.port: only gue tunnels have a port (this one is gre)"},
        rule_case{"remcsum_needs_gue",
                  VS "forwarding = \"tun\"\ntunnel = { type = \"gre\", checksum = \"remcsum\" }\n" RS, "5:37",
                  "virtual_server[http].tunnel.checksum: remcsum needs a gue tunnel"},
        rule_case{"persistence_netmask_contiguous", VS "persistence = { netmask = \"255.0.255.0\" }\n" RS, "4:27",
                  "virtual_server[http].persistence.netmask: 255.0.255.0 is not a contiguous netmask"},
        rule_case{"persistence_netmask_family",
                  "[[virtual_server]]\nname = \"v6\"\naddress = \"[2001:db8::10]:80\"\npersistence = { netmask = "
                  "\"255.255.255.0\" }\n"
                  "[[virtual_server.real_server]]\naddress = \"[2001:db8::11]:80\"\n",
                  "4:27",
                  "virtual_server[v6].persistence.netmask: an IPv6 service needs a prefix length from 1 to 128"},
        rule_case{"persistence_timeout_whole_seconds", VS "persistence = { timeout = \"1500ms\" }\n" RS, "4:27",
                  "virtual_server[http].persistence.timeout: 1500ms is not a whole number of seconds"},
        rule_case{"sip_needs_udp", VS "persistence = { pe = \"sip\" }\n" RS, "4:22",
                  "virtual_server[http].persistence.pe: the sip persistence engine needs protocol = \"udp\""},
        rule_case{"on_failure_value", VS "on_failure = \"fail\"\n" RS, "4:14",
                  "virtual_server[http].on_failure: 'fail' is not valid; expected one of drain, remove, inhibit"},
        rule_case{"quorum_hysteresis", VS "quorum = { min_weight = 2, hysteresis = 3 }\n" RS, "4:41",
                  "virtual_server[http].quorum.hysteresis: 3 is above min_weight 2"},
        rule_case{"sorry_server_family", VS "sorry_server = \"[2001:db8::1]:80\"\n" RS, "4:16",
                  "virtual_server[http].sorry_server: 2001:db8::1 is inet6 but the service is inet"},
        rule_case{"vrrp_reference", VIP VS "vrrp = \"wbe\"\n" RS, "9:8",
                  "virtual_server[http].vrrp: no vrrp instance is named 'wbe'; did you mean 'web'?"},
        rule_case{"address_not_a_vip", VS RS, "3:11",
                  "virtual_server[http].address: 192.0.2.10 is not a virtual IP of any vrrp instance",
                  severity::warning},
        rule_case{"address_not_a_vip_of_bound_instance",
                  VIP "[[virtual_server]]\nname = \"http\"\naddress = \"192.0.2.11:80\"\nvrrp = \"web\"\n" RS, "8:11",
                  "virtual_server[http].address: 192.0.2.11 is not a virtual IP of vrrp[web]", severity::warning},
        rule_case{"no_real_servers", VIP VS, "6:1", "virtual_server[http]: has no real servers and no sorry_server",
                  severity::warning},
        rule_case{"duplicate_name", VS RS "[[virtual_server]]\nname = \"http\"\naddress = \"192.0.2.10:443\"\n" RS,
                  "7:8", "virtual_server[http].name: 'http' is already used by the service at line 2"},
        rule_case{"duplicate_service_key", VS RS "[[virtual_server]]\nname = \"web\"\naddress = \"192.0.2.10:80\"\n" RS,
                  "8:11", "virtual_server[web]: tcp 192.0.2.10:80 is already the service virtual_server[http]"},
        rule_case{"duplicate_fwmark",
                  "[[virtual_server]]\nname = \"a\"\nfwmark = 7\n" RS
                  "[[virtual_server]]\nname = \"b\"\nfwmark = 7\n" RS,
                  "8:10", "virtual_server[b]: fwmark 7 inet is already the service virtual_server[a]"},
        // a group of entry points (keepalived's virtual_server_group)
        rule_case{"group_address_shares_the_port",
                  "[[virtual_server]]\nname = \"g\"\naddress = [\"192.0.2.10:80\", \"192.0.2.11:443\"]\n" RS, "3:29",
                  "virtual_server[g].address: 192.0.2.11:443 has port 443, the service's first address 80: the "
                  "addresses of one service share the port (write a service per port)"},
        rule_case{"group_address_one_family",
                  "[[virtual_server]]\nname = \"g\"\naddress = [\"192.0.2.10:80\", \"[2001:db8::1]:80\"]\n" RS, "3:29",
                  "virtual_server[g].address: 2001:db8::1 is inet6 but the service's first address is inet"},
        rule_case{"group_address_listed_twice",
                  "[[virtual_server]]\nname = \"g\"\naddress = [\"192.0.2.10:80\", \"192.0.2.10:80\"]\n" RS, "3:29",
                  "virtual_server[g]: 192.0.2.10:80 is listed twice (first at line 3)"},
        rule_case{"group_address_bad_entry",
                  "[[virtual_server]]\nname = \"g\"\naddress = [\"192.0.2.10:80\", \"192.0.2.11\"]\n" RS, "3:29",
                  "virtual_server[g].address[1]: '192.0.2.11' needs a port (\"address:port\", or \"[v6]:port\")"},
        rule_case{"group_empty", "[[virtual_server]]\nname = \"g\"\naddress = []\n" RS, "3:11",
                  "virtual_server[g].address: is an empty list: a service has at least one entry point"},
        rule_case{"group_fwmark_range", "[[virtual_server]]\nname = \"m\"\nfwmark = [5, 0]\n" RS, "3:14",
                  "virtual_server[m].fwmark[1]: 0 is out of range 1-4294967295"},
        rule_case{"group_entry_is_another_service",
                  "[[virtual_server]]\nname = \"a\"\nfwmark = 7\n" RS
                  "[[virtual_server]]\nname = \"b\"\nfwmark = [8, 7]\n" RS,
                  "8:14", "virtual_server[b]: fwmark 7 inet is already the service virtual_server[a]"},
        rule_case{"group_address_not_a_vip",
                  VIP "[[virtual_server]]\nname = \"g\"\naddress = [\"192.0.2.10:80\", \"192.0.2.99:80\"]\n" RS, "8:29",
                  "virtual_server[g].address: 192.0.2.99 is not a virtual IP of any vrrp instance", severity::warning},
        // real servers
        rule_case{"real_server_unknown_key", VS RS "wieght = 2\n", "6:1",
                  "virtual_server[http].real_server[10.0.1.11:8080].wieght: unknown key; did you mean 'weight'?"},
        rule_case{"real_server_weight_range", VS RS "weight = 70000\n", "6:10",
                  "virtual_server[http].real_server[10.0.1.11:8080].weight: 70000 is out of range 0-65535"},
        rule_case{"real_server_missing_address", VS "[[virtual_server.real_server]]\nweight = 1\n", "4:1",
                  "virtual_server[http].real_server[#1]: missing required key 'address'"},
        rule_case{"real_server_nat_needs_port", VS "[[virtual_server.real_server]]\naddress = \"10.0.1.11\"\n", "5:11",
                  "virtual_server[http].real_server[#1].address: '10.0.1.11' needs a port with nat forwarding"},
        rule_case{"real_server_family", VS "[[virtual_server.real_server]]\naddress = \"[2001:db8::11]:80\"\n", "5:11",
                  "2001:db8::11 is inet6 but the service is inet; only tun forwarding may mix families"},
        rule_case{"real_server_dr_port_ignored",
                  VIP VS "forwarding = \"dr\"\n[[virtual_server.real_server]]\naddress = \"10.0.1.11:8080\"\n", "11:11",
                  "virtual_server[http].real_server[#1].address: port 8080 is ignored: dr forwarding keeps the "
                  "service's port 80",
                  severity::warning},
        rule_case{"real_server_thresholds", VS RS "upper_threshold = 10\nlower_threshold = 20\n", "7:19",
                  "lower_threshold: 20 needs an upper_threshold at or above it"},
        rule_case{"real_server_twice", VS RS RS, "7:11",
                  "virtual_server[http].real_server: 10.0.1.11:8080 is listed twice (first at line 5)"},
        rule_case{"real_server_fwmark_check_needs_port",
                  "[[virtual_server]]\nname = \"m\"\nfwmark = 1\ncheck = { type = \"tcp\" }\n"
                  "[[virtual_server.real_server]]\naddress = \"10.0.1.11\"\n",
                  "6:11", "virtual_server[m].real_server[10.0.1.11:0].address: has no port for its tcp check"},
        rule_case{"real_server_notify_command", VS RS "notify = { up = [] }\n", "6:17",
                  "virtual_server[http].real_server[10.0.1.11:8080].notify.up: the command must not be empty"},
        rule_case{"real_server_must_be_table",
                  "[[virtual_server]]\nname = \"http\"\naddress = \"192.0.2.10:80\"\nreal_server = [1]\n", "4:16",
                  "virtual_server[http].real_server[#1]: expected a table, got an integer"}),
    name_of_case);

}  // namespace
}  // namespace lbd::config::test

// The CI builds compile several test files as one translation unit.
#undef RS
#undef VS

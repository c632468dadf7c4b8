// SPDX-License-Identifier: GPL-2.0-or-later
// [global], [ipvs], the top level and TOML syntax: one failing input per rule.
#include "rule_case.hpp"

namespace lbd::config::test {
namespace {

class global_rule : public testing::TestWithParam<rule_case> {};
TEST_P(global_rule, is_reported_at_its_position) { expect_rule(GetParam()); }

// A vrrp instance for the sync daemon to follow.
#define WEB_INSTANCE "[[vrrp]]\nname = \"web\"\ninterface = \"eth0\"\nvrid = 51\nvirtual_ips = [\"192.0.2.10/24\"]\n"

INSTANTIATE_TEST_SUITE_P(
    config, global_rule,
    testing::Values(
        rule_case{"toml_syntax_error", "[global]\nnode_name = \"a\nlog_level = \"info\"\n", "2:15", "string"},
        rule_case{"unknown_top_level_key", "[virtual_servers]\n", "1:2",
                  "virtual_servers: unknown key; did you mean 'virtual_server'?"},
        rule_case{"vrrp_must_be_array_of_tables", "[vrrp]\nname = \"web\"\n", "1:1",
                  "vrrp: expected an array of tables ([[vrrp]]), got a table"},
        rule_case{"global_unknown_key", "[global]\nnode_nme = \"a\"\n", "2:1",
                  "global.node_nme: unknown key; did you mean 'node_name'?"},
        rule_case{"global_not_a_table", "global = 3\n", "1:10", "global: expected a table, got an integer"},
        rule_case{"node_name_characters", "[global]\nnode_name = \"dir a\"\n", "2:13",
                  "global.node_name: 'dir a' may only contain"},
        rule_case{"control_socket_absolute", "[global]\ncontrol_socket = \"lbd.sock\"\n", "2:18",
                  "global.control_socket: 'lbd.sock' must be an absolute path"},
        rule_case{"metrics_listen_needs_port", "[global]\nmetrics_listen = \"127.0.0.1\"\n", "2:18",
                  "global.metrics_listen: '127.0.0.1' needs a port"},
        rule_case{"metrics_listen_bad_address", "[global]\nmetrics_listen = \"localhost:9712\"\n", "2:18",
                  "global.metrics_listen: 'localhost' is not an IPv4 or IPv6 address"},
        rule_case{"log_level_value", "[global]\nlog_level = \"verbose\"\n", "2:13",
                  "global.log_level: 'verbose' is not valid; expected one of debug, info, notice, warning, error"},
        rule_case{"exit_policy_typo", "[global]\nexit_policy = \"kep\"\n", "2:15",
                  "global.exit_policy: 'kep' is not valid; did you mean 'keep'?"},
        rule_case{"vrrp_realtime_priority_range", "[global]\nvrrp_realtime_priority = 100\n", "2:26",
                  "global.vrrp_realtime_priority"},
        rule_case{"lock_memory_boolean", "[global]\nlock_memory = \"yes\"\n", "2:15", "global.lock_memory"},
        rule_case{"duration_wrong_type", "[global]\nreconcile_interval = 30\n", "2:22",
                  "global.reconcile_interval: expected a duration string such as \"2s\", got an integer"},
        rule_case{"duration_unknown_unit", "[global]\nreconcile_interval = \"30x\"\n", "2:22",
                  "global.reconcile_interval: '30x' is not a duration: unknown unit 'x'"},
        rule_case{"duration_positive", "[global]\nreconcile_interval = \"0s\"\n", "2:22",
                  "global.reconcile_interval: 0s is below the minimum 1s"},
        rule_case{"reconcile_interval_lower_bound", "[global]\nreconcile_interval = \"1ms\"\n", "2:22",
                  "global.reconcile_interval: 1ms is below the minimum 1s (each pass dumps the kernel's IPVS table)"},
        rule_case{"ipvs_unknown_key", "[ipvs]\ntimeout = {}\n", "2:1",
                  "ipvs.timeout: unknown key; did you mean 'timeouts'?"},
        rule_case{"ipvs_timeout_whole_seconds", "[ipvs]\ntimeouts = { tcp = \"1500ms\" }\n", "2:20",
                  "ipvs.timeouts.tcp: 1500ms is not a whole number of seconds"},
        rule_case{"ipvs_timeouts_unknown_key", "[ipvs]\ntimeouts = { tcpfin = \"2s\" }\n", "2:14",
                  "ipvs.timeouts.tcpfin: unknown key; did you mean 'tcp_fin'?"},
        rule_case{"sync_id_range",
                  WEB_INSTANCE "[ipvs]\nsync_daemon = { interface = \"eth2\", sync_id = 256, follow = \"web\" }\n",
                  "7:47", "ipvs.sync_daemon.sync_id: 256 is out of range 0-255"},
        rule_case{"sync_daemon_requires_interface",
                  WEB_INSTANCE "[ipvs]\nsync_daemon = { sync_id = 1, follow = \"web\" }\n", "7:15",
                  "ipvs.sync_daemon: missing required key 'interface'"},
        rule_case{"sync_daemon_follow_exists",
                  WEB_INSTANCE "[ipvs]\nsync_daemon = { interface = \"eth2\", sync_id = 1, follow = \"wbe\" }\n",
                  "7:59", "ipvs.sync_daemon.follow: no vrrp instance is named 'wbe'; did you mean 'web'?"},
        rule_case{"sync_daemon_mcast_group_multicast",
                  WEB_INSTANCE "[ipvs]\nsync_daemon = { interface = \"eth2\", sync_id = 1, follow = \"web\", "
                               "mcast_group = \"10.0.0.1\" }\n",
                  "7:80", "ipvs.sync_daemon.mcast_group: 10.0.0.1 is not a multicast address"},
        rule_case{"sync_daemon_maxlen_range",
                  WEB_INSTANCE
                  "[ipvs]\nsync_daemon = { interface = \"eth2\", sync_id = 1, follow = \"web\", maxlen = 0 }\n",
                  "7:75", "ipvs.sync_daemon.maxlen: 0 is out of range 1-65507"},
        // Accounts are looked up where --check runs; no system has these.
        rule_case{"script_user_exists", "[global]\nscript_user = \"no-such-account\"\n", "2:15",
                  "global.script_user: no account 'no-such-account' on this system"},
        rule_case{"script_group_exists", "[global]\nscript_group = \"no-such-group\"\n", "2:16",
                  "global.script_group: no group 'no-such-group' on this system"}),
    name_of_case);

}  // namespace
}  // namespace lbd::config::test

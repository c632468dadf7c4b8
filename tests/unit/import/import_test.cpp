// SPDX-License-Identifier: GPL-2.0-or-later
#include "import/import.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "config/load.hpp"
#include "findings.hpp"

namespace lbd::import {
namespace {

const std::string data_dir = LBD_IMPORT_TEST_DATA;

using test::has;

TEST(ImportKeepalived, ConvertsInstancesWithTheirOptions) {
  auto r = import_keepalived_file(data_dir + "/keepalived.conf");
  ASSERT_TRUE(r.errors.empty()) << r.errors.front();
  const auto& t = r.toml;
  EXPECT_TRUE(has(t, "node_name = \"lb1\""));
  EXPECT_TRUE(has(t,
                  "name = \"VI_WEB\"\ninterface = \"eth0\"\nvrid = 51\npriority = 150\nadvert_interval = \"1s\"\n"
                  "preempt = false\nunicast_source = \"192.0.2.2\"\nversion = 2\n"))
      << t;
  EXPECT_TRUE(has(t, "virtual_ips = [{ address = \"192.0.2.10/24\", label = \"eth0:web\" }]"));
  EXPECT_TRUE(has(t, "unicast_peers = [\"192.0.2.3\"]"));
  EXPECT_TRUE(has(t, "garp = { repeat = 5, refresh = \"60s\" }"));
  EXPECT_TRUE(has(t, "track_interfaces = [{ name = \"eth1\", weight = 0 }]"));
  EXPECT_TRUE(has(t,
                  "track_scripts = [{ name = \"chk_upstream\", command = [\"/usr/bin/ping\", \"-c1\", \"-W1\", "
                  "\"192.0.2.1\"], rise = 2, fall = 3, interval = \"5s\", timeout = \"2s\", weight = -60 }]"))
      << t;
  EXPECT_TRUE(has(t, "sync_group = \"DIRECTOR\""));
  EXPECT_TRUE(has(t,
                  "notify = { master = [\"/usr/local/sbin/page-oncall\", \"web\", \"master\"], arguments = "
                  "\"keepalived\" }"));
  EXPECT_TRUE(has(t, "auth = { type = \"pass\", password = \"s3cret\" }"));
  EXPECT_TRUE(has(t, "virtual_ips = [\"10.0.1.1/24\"]"));
}

TEST(ImportKeepalived, ConvertsVirtualServersAndChecks) {
  auto r = import_keepalived_file(data_dir + "/keepalived.conf");
  const auto& t = r.toml;
  EXPECT_TRUE(has(t,
                  "name = \"tcp-192.0.2.10-80\"\naddress = \"192.0.2.10:80\"\nscheduler = \"wlc\"\n"
                  "forwarding = \"nat\"\nprotocol = \"tcp\"\nsorry_server = \"10.0.1.250:8080\"\n"
                  "on_failure = \"inhibit\"\n"))
      << t;
  EXPECT_TRUE(has(t,
                  "quorum = { min_weight = 2, hysteresis = 1, down = [\"/usr/local/sbin/page-oncall\", \"http\", "
                  "\"quorum-lost\"] }"));
  EXPECT_TRUE(has(t,
                  "check = { type = \"http\", interval = \"2s\", timeout = \"1s\", rise = 1, fall = 4, initial_state = "
                  "\"up\", retry_delay = \"2s\", path = \"/healthz\", expect_status = [200] }"))
      << t;
  EXPECT_TRUE(has(t,
                  "check = { type = \"tcp\", interval = \"2s\", timeout = \"1s\", rise = 1, fall = 2, initial_state = "
                  "\"up\", retry_delay = \"1s\", connect_to = \"10.0.1.12:8081\" }"))
      << t;
  EXPECT_TRUE(has(t, "upper_threshold = 500\nlower_threshold = 400\n"));
  EXPECT_TRUE(has(t,
                  "notify = { up = [\"/usr/local/sbin/rs-up\", \"10.0.1.12\"], down = [\"/usr/local/sbin/rs-down\", "
                  "\"10.0.1.12\"] }"));
  EXPECT_TRUE(has(t,
                  "scheduler = \"sh\"\nforwarding = \"dr\"\nprotocol = \"tcp\"\non_failure = \"remove\"\n"
                  "scheduler_flags = [\"sh-fallback\"]\npersistence = { timeout = \"600s\", netmask = "
                  "\"255.255.255.0\" }\n"))
      << t;
  EXPECT_TRUE(has(t, "type = \"https\", interval = \"3s\", timeout = \"2s\""));
  EXPECT_TRUE(has(t, "tls = { verify = false }, path = \"/ready\", expect_status = [\"200-299\"]"));
  EXPECT_TRUE(has(t,
                  "type = \"script\", interval = \"3s\", timeout = \"2700ms\", rise = 1, fall = 1, initial_state = "
                  "\"up\", retry_delay = \"1s\", command = [\"/usr/local/bin/check-app\", \"--host\", \"10.0.1.22\"], "
                  "dynamic_weight = { from = \"exit_code\" } }"))
      << t;
}

TEST(ImportKeepalived, ListsWhatItCouldNotConvertWithLines) {
  auto r = import_keepalived_file(data_dir + "/keepalived.conf");
  const std::string f = data_dir + "/keepalived.conf:";
  auto heads = test::finding_heads(r.not_converted);
  const std::vector<std::string> expected{
      "refused: " + f + "3: notification_email",  "changed: " + f + "29: state",
      "refused: " + f + "55: smtp_alert",         "changed: " + f + "77: quorum_down",
      "changed: " + f + "81: inhibit_on_failure", "refused: " + f + "86: digest",
      "changed: " + f + "97: notify_up",          "changed: " + f + "98: notify_down",
      "changed: " + f + "126: MISC_CHECK",
  };
  EXPECT_EQ(heads, expected);
  // The sync group's hook (line 25) converts: a [[sync_group]] with keepalived's arguments.
  EXPECT_TRUE(has(r.toml,
                  "[[sync_group]]\nname = \"DIRECTOR\"\nnotify = { master = [\"/usr/local/sbin/sync-master\"], "
                  "arguments = \"keepalived\" }\n"))
      << r.toml;
  EXPECT_TRUE(
      has(r.toml, "# Refused (dropped) or changed (behaves differently) - review each before use:\n#   refused: "));
}

// What the importers write is meant to be used as it is: the same loader as `lbd --check` accepts it.
TEST(Import, OutputsPassTheConfigCheck) {
  for (const auto& r :
       {import_keepalived_file(data_dir + "/keepalived.conf"), import_ipvsadm_file(data_dir + "/ipvsadm-rules.txt")}) {
    ASSERT_TRUE(r.errors.empty());
    auto loaded = config::load_string(r.toml, "imported.conf");
    std::string diagnostics;
    for (const auto& d : loaded.diagnostics) diagnostics += config::format(d) + "\n";
    EXPECT_TRUE(loaded.ok()) << diagnostics << r.toml;
    EXPECT_EQ(loaded.error_count(), 0U) << diagnostics;
  }
}

TEST(ImportKeepalived, ReportsUnbalancedBraces) {
  auto r = import_keepalived_text("vrrp_instance X {\n  interface eth0\n", "broken.conf");
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0], "broken.conf: 1 block(s) not closed, the first opened at line 1");
  auto r2 = import_keepalived_text("}\n", "broken.conf");
  ASSERT_EQ(r2.errors.size(), 1U);
  EXPECT_EQ(r2.errors[0], "broken.conf:1: '}' without a block to close");
}

TEST(ImportKeepalived, InlineBlocksAndIncludes) {
  auto r = import_keepalived_text(
      "vrrp_instance A { interface eth0\n virtual_router_id 9\n priority 100\n unicast_peer { 10.0.0.2 }\n"
      " virtual_ipaddress { 10.0.0.100 }\n}\n",
      "inline.conf");
  ASSERT_TRUE(r.errors.empty()) << r.errors.front();
  EXPECT_TRUE(has(r.toml, "unicast_peers = [\"10.0.0.2\"]"));
  EXPECT_TRUE(has(r.toml, "virtual_ips = [\"10.0.0.100/32\"]"));
  auto inc = import_keepalived_text("include /nonexistent/*.conf\n", "inc.conf");
  ASSERT_EQ(inc.errors.size(), 1U);
  EXPECT_TRUE(has(inc.errors[0], "matches no file"));
}

TEST(ImportIpvsadm, ConvertsServicesAndServers) {
  auto r = import_ipvsadm_file(data_dir + "/ipvsadm-rules.txt");
  ASSERT_TRUE(r.errors.empty()) << r.errors.front();
  const auto& t = r.toml;
  EXPECT_TRUE(has(t,
                  "name = \"tcp-192.0.2.10-80\"\naddress = \"192.0.2.10:80\"\nprotocol = \"tcp\"\nscheduler = "
                  "\"wlc\"\nforwarding = \"nat\"\n"))
      << t;
  EXPECT_TRUE(has(t, "address = \"10.0.1.12:8080\"\nweight = 3\nupper_threshold = 500\nlower_threshold = 400\n"));
  EXPECT_TRUE(has(t,
                  "scheduler = \"sh\"\nscheduler_flags = [\"sh-fallback\"]\nforwarding = \"dr\"\npersistence = { "
                  "timeout = \"600s\", netmask = \"255.255.255.0\" }"))
      << t;
  EXPECT_TRUE(has(t, "address = \"10.0.1.21\"\nweight = 1\n")) << "DR servers keep the service's port";
  EXPECT_TRUE(has(t, "protocol = \"udp\"\nscheduler = \"rr\"\nscheduler_flags = [\"one-packet\"]"));
  EXPECT_TRUE(has(t, "fwmark = 7\nscheduler = \"wrr\"\nforwarding = \"dr\""));
  EXPECT_TRUE(has(t, "address = \"10.0.1.41\"\nweight = 2\n"));
  EXPECT_TRUE(has(t, "address = \"[2001:db8::10]:80\""));
  EXPECT_TRUE(has(t, "address = \"[2001:db8:1::11]:80\""));
  EXPECT_EQ(r.not_converted.size(), 5U) << "one note per service: no health checks";
}

TEST(ImportIpvsadm, RejectsWhatIsNotARule) {
  auto r = import_ipvsadm_text("-A -t\nhello world\n-a -t 192.0.2.1:80 -r 10.0.0.1:80 -m\n", "bad.txt");
  ASSERT_EQ(r.errors.size(), 3U);
  EXPECT_EQ(r.errors[0], "bad.txt:1: -t needs a value");
  EXPECT_EQ(r.errors[1], "bad.txt:2: not an ipvsadm -S rule");
  EXPECT_EQ(r.errors[2], "bad.txt:3: real server of a service never added with -A");
}

}  // namespace
}  // namespace lbd::import

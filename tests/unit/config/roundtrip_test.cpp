// SPDX-License-Identifier: GPL-2.0-or-later
// print -> load_json -> print is stable: the printed form is a complete configuration that the
// same loader accepts and that means the same thing.
#include <gtest/gtest.h>

#include "config/diff.hpp"
#include "config/load.hpp"
#include "config/to_json.hpp"

namespace lbd::config {
namespace {

// Every optional feature at least once.
constexpr const char* everything = R"(
[global]
node_name = "dir-b"
metrics_listen = "[::1]:9712"
log_level = "debug"
exit_policy = "remove"
drain_timeout = "90s"
script_user = "nobody"
script_group = "daemon"
script_security = false

[ipvs]
timeouts = { tcp_fin = "1m" }
sync_daemon = { interface = "eth2", sync_id = 9, follow = "v4", maxlen = 1400, mcast_group = "224.0.0.81", mcast_port = 8848, mcast_ttl = 2 }

[[vrrp]]
name = "v4"
interface = "eth0"
vrid = 1
priority = 255
version = 2
advert_interval = "3s"
preempt = false
accept_mode = true
virtual_ips = ["192.0.2.10/24", { address = "192.0.2.11/24", label = "eth0:b" }, "192.0.2.12/24"]
mcast_source = "192.0.2.2"
auth = { type = "pass", password = "s3cret" }
track_scripts = [{ name = "s", command = ["/bin/true", "a b"], weight = 10, rise = 3, fall = 4, interval = "4s", timeout = "1500ms", user = "nobody", group = "daemon" }]
notify = { master = ["/bin/m"], backup = ["/bin/b"], fault = ["/bin/f"], stop = ["/bin/s"], any = ["/bin/a"], arguments = "keepalived" }
sync_group = "g"
virtual_routes = [{ to = "0.0.0.0/0", via = "192.0.2.1", table = 100, metric = 7 }, { to = "198.51.100.0/24", dev = "eth1", src = "192.0.2.10", scope = "global" }, { to = "10.9.0.0/16", type = "blackhole" }]
virtual_rules = [{ from = "192.0.2.10/32", table = 100, priority = 100 }, { family = "inet6", fwmark = 7, iif = "eth0", oif = "eth1", table = 7 }, { to = "2001:db8::/32", table = 8 }]
use_vmac = true
vmac_interface = "vmac4"
vmac_xmit_base = true

[[vrrp]]
name = "v6"
interface = "eth0"
vrid = 1
advert_interval = "40ms"
virtual_ips = ["2001:db8::10/64"]
sync_group = "g"
use_vmac = true

[[virtual_server]]
name = "all-ports"
address = "192.0.2.10:0"
persistence = { timeout = "1h", netmask = "255.255.0.0" }
scheduler = "mh"
scheduler_flags = ["mh-port", "mh-fallback", "one-packet"]
check = { type = "script", command = ["/usr/lib/lbd/check", "x"], dynamic_weight = { min = 1, max = 100 } }
[[virtual_server.real_server]]
address = "10.0.1.11:0"

[[virtual_server]]
name = "v6-https"
address = "[2001:db8::10]:443"
persistence = { netmask = 64 }
forwarding = "tun"
tunnel = { type = "gue", port = 6080, checksum = "remcsum" }
quorum = { min_weight = 0, up = ["/bin/up"] }
outlier_detection = { interval = "500ms", min_connections = 20, unanswered_percent = 80, max_ejection_percent = 20, base_ejection_time = "10s", max_ejection_time = "5m" }
check = { type = "https", method = "HEAD", headers = { Host = "x" }, expect_status = ["200-204", 301], body_sha256 = "ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789", tls = { verify = false, sni = "x.example", client_cert = "/c", client_key = "/k", ca_file = "/ca" }, initial_state = "up", retry_delay = "500ms" }
[[virtual_server.real_server]]
address = "[2001:db8::21]"
weight = 0
notify = { up = ["/bin/up"], down = ["/bin/down"] }
[[virtual_server.real_server]]
address = "10.0.1.21"

[[virtual_server]]
name = "sip"
fwmark = [77, 78]
protocol = "udp"
sorry_server = "10.0.1.250"
persistence = { pe = "sip" }
on_failure = "remove"
check = { type = "udp", send = "ping", expect = "pong", connect_to = "10.0.1.1:5060" }
[[virtual_server.real_server]]
address = "10.0.1.31"
forwarding = "dr"
check = { type = "dns", name = "example.com", connect_to = "10.0.1.31:53", query_type = "SRV", expect_rcode = "NXDOMAIN" }
[[virtual_server.real_server]]
address = "10.0.1.32:5060"
check = { type = "none" }
[[virtual_server.real_server]]
address = "10.0.1.33:5060"
check = [{ type = "udp", send = "ping", require_reply = true }, { type = "script", command = ["/bin/true"], rise = 1, user = "daemon" }]

[[virtual_server]]
name = "two-checks"
address = ["192.0.2.11:80", "192.0.2.12:80"]
check = [{ type = "http", path = "/a" }, { type = "tcp", connect_to = "10.0.1.41:22", fall = 1 }]
agent = { port = 8081, send = "state\n", interval = "3s", timeout = "500ms", unreachable = "keep" }
[[virtual_server.real_server]]
address = "10.0.1.41:80"
[[virtual_server.real_server]]
address = "10.0.1.42:80"
agent = { port = 8082, unreachable = "down" }
[[virtual_server.real_server]]
address = "10.0.1.43:80"
agent = false
)";

void expect_stable(const load_result& first) {
  ASSERT_TRUE(first.ok()) << (first.diagnostics.empty() ? "" : format(first.diagnostics[0]));
  const std::string printed = to_json(*first.cfg).dump(2);
  auto second = load_json(printed, "printed.json", load_options{"unused"});
  for (const auto& d : second.diagnostics) ADD_FAILURE() << format(d);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(to_json(*second.cfg).dump(2), printed);
  EXPECT_TRUE(diff(*first.cfg, *second.cfg).empty());
}

TEST(config_roundtrip, every_feature_prints_and_reloads_identically) {
  expect_stable(load_string(everything, "everything.conf", load_options{"n"}));
}

TEST(config_roundtrip, example_configuration_prints_and_reloads_identically) {
  expect_stable(load_file(LBD_SOURCE_DIR "/etc/lbd.conf"));
}

TEST(config_roundtrip, printed_form_resolves_defaults) {
  auto r = load_string(everything, "everything.conf", load_options{"n"});
  ASSERT_TRUE(r.ok());
  auto j = to_json(*r.cfg);
  EXPECT_EQ(j["ipvs"]["timeouts"]["tcp_fin"], "1m");
  EXPECT_EQ(j["vrrp"][1]["version"], 3);
  EXPECT_EQ(j["virtual_server"][0]["scheduler_flags"], json::parse(R"(["mh-fallback","mh-port","one-packet"])"));
  EXPECT_EQ(j["virtual_server"][1]["check"]["body_sha256"],
            "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
  EXPECT_EQ(j["virtual_server"][1]["real_server"][0]["check"]["connect_to"], "[2001:db8::21]:443");
  EXPECT_EQ(j["virtual_server"][2]["sorry_server"], "10.0.1.250:0");
  EXPECT_EQ(j["virtual_server"][2]["family"], "inet");
  // Several checks print as an array, each resolved; one check as a table.
  EXPECT_TRUE(j["virtual_server"][2]["real_server"][2]["check"].is_array());
  EXPECT_EQ(j["virtual_server"][2]["real_server"][2]["check"][0]["connect_to"], "10.0.1.33:5060");
  EXPECT_EQ(j["virtual_server"][2]["real_server"][2]["check"][1]["rise"], 1);
  EXPECT_TRUE(j["virtual_server"][3]["check"].is_array());
  EXPECT_EQ(j["virtual_server"][3]["real_server"][0]["check"][1]["fall"], 1);
  // The agent: the service's default resolved into each server, a server's own fields over it,
  // and `false` kept for the server that has none.
  EXPECT_EQ(j["virtual_server"][3]["agent"]["send"], "state\n");
  EXPECT_EQ(j["virtual_server"][3]["real_server"][0]["agent"]["port"], 8081);
  EXPECT_EQ(j["virtual_server"][3]["real_server"][1]["agent"]["port"], 8082);
  EXPECT_EQ(j["virtual_server"][3]["real_server"][1]["agent"]["interval"], "3s");
  EXPECT_EQ(j["virtual_server"][3]["real_server"][1]["agent"]["unreachable"], "down");
  EXPECT_EQ(j["virtual_server"][3]["real_server"][2]["agent"], false);
  EXPECT_FALSE(j["virtual_server"][0].contains("agent"));
}

}  // namespace
}  // namespace lbd::config

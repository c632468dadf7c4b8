// SPDX-License-Identifier: GPL-2.0-or-later
// The loader as a whole: every error in one run, defaults, inheritance of checks, failures.
#include <gtest/gtest.h>

#include "config/load.hpp"
#include "config/names.hpp"

namespace lbd::config {
namespace {

std::vector<std::string> formatted(const load_result& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics) out.push_back(format(d));
  return out;
}

// The example of the reference manual: four different mistakes, four errors, each with its position.
TEST(config_loader, reports_all_four_errors_of_one_file) {
  const char* text = R"([[vrrp]]
name = "web"
interface = "eth0"
vrid = 51
priority = 300
virtual_ips = ["192.0.2.10/24"]
preemt = true

[[virtual_server]]
name = "http"
address = "192.0.2.10:80"
vrrp = "web"

[[virtual_server.real_server]]
address = "10.0.1.300:8080"

[[virtual_server.real_server]]
address = "10.0.1.11:8080"

[[virtual_server.real_server]]
address = "10.0.1.11:8080"
)";
  auto r = load_string(text, "lbd.conf", load_options{"test-node"});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error_count(), 4U);
  EXPECT_EQ(r.warning_count(), 0U);
  std::vector<std::string> expected{
      "lbd.conf:5:12: error: vrrp[web].priority: 300 is out of range 1-255",
      "lbd.conf:7:1: error: vrrp[web].preemt: unknown key; did you mean 'preempt'?",
      "lbd.conf:15:11: error: virtual_server[http].real_server[#1].address: '10.0.1.300' is not an IPv4 or IPv6 "
      "address",
      "lbd.conf:21:11: error: virtual_server[http].real_server: 10.0.1.11:8080 is listed twice (first at line 18)",
  };
  EXPECT_EQ(formatted(r), expected);
}

TEST(config_loader, empty_file_is_a_valid_configuration_with_defaults) {
  auto r = load_string("", "empty.conf", load_options{"dir-a"});
  ASSERT_TRUE(r.ok());
  const auto& g = r.cfg->global;
  EXPECT_EQ(g.node_name, "dir-a");
  EXPECT_EQ(g.control_socket, "/run/lbd/lbd.sock");
  EXPECT_FALSE(g.metrics_listen.has_value());
  EXPECT_EQ(g.log_level, log::level::info);
  EXPECT_EQ(g.reconcile_interval, std::chrono::seconds(30));
  EXPECT_EQ(g.on_exit, exit_policy::keep);
  EXPECT_EQ(g.drain_timeout, std::chrono::minutes(5));
  EXPECT_FALSE(r.cfg->ipvs.sync_daemon.has_value());
  EXPECT_FALSE(r.cfg->ipvs.timeouts.tcp.has_value());
}

TEST(config_loader, node_name_defaults_to_the_hostname) {
  auto r = load_string("", "empty.conf");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.cfg->global.node_name.empty());
}

TEST(config_loader, resolves_vrrp_defaults) {
  auto r = load_string(R"([[vrrp]]
name = "v6"
interface = "eth0"
vrid = 7
virtual_ips = ["2001:db8::10/64", { address = "2001:db8::11/64" }]
unicast_peers = ["2001:db8::3"]
)",
                       "t.conf", load_options{"n"});
  ASSERT_TRUE(r.ok()) << (r.diagnostics.empty() ? "" : format(r.diagnostics[0]));
  const auto& v = r.cfg->vrrp.at(0);
  EXPECT_EQ(v.family, address_family::inet6);
  EXPECT_EQ(v.version, 3);
  EXPECT_EQ(v.priority, 100);
  EXPECT_EQ(v.advert_interval, std::chrono::seconds(1));
  EXPECT_TRUE(v.preempt);
  EXPECT_FALSE(v.accept_mode);
  EXPECT_TRUE(v.unicast());
  EXPECT_EQ(v.virtual_ips.size(), 2U);
  EXPECT_EQ(v.virtual_ips[1].address.length, 64U);
  EXPECT_EQ(v.garp.repeat, 5U);
  EXPECT_EQ(r.cfg->find_vrrp("v6"), &v);
  EXPECT_EQ(r.cfg->find_vrrp("nope"), nullptr);
}

TEST(config_loader, real_server_check_merges_over_the_service_default) {
  auto r = load_string(R"([[virtual_server]]
name = "http"
address = "192.0.2.10:80"
check = { type = "http", path = "/healthz", interval = "5s", timeout = "2s", headers = { X-Probe = "lbd" } }

[[virtual_server.real_server]]
address = "10.0.1.11:8080"

[[virtual_server.real_server]]
address = "10.0.1.12:8080"
check = { path = "/status", interval = "10s" }

[[virtual_server.real_server]]
address = "10.0.1.13:8080"
check = { type = "tcp", connect_to = "10.0.1.13:22" }
)",
                       "t.conf", load_options{"n"});
  ASSERT_TRUE(r.ok());
  const auto& vs = r.cfg->virtual_servers.at(0);
  EXPECT_FALSE(vs.checks->front().connect_to.has_value());
  const auto& a = vs.real_servers.at(0).checks->front();
  EXPECT_EQ(type_of(a), check_type::http);
  EXPECT_EQ(std::get<healthcheck::http_params>(a.params).path, "/healthz");
  EXPECT_FALSE(a.connect_to.has_value());                    // the server itself
  EXPECT_EQ(a.timing.retry_delay, std::chrono::seconds(5));  // follows interval
  // A server without a check table holds the service's check, not a copy.
  EXPECT_EQ(vs.real_servers.at(0).checks, vs.checks);
  const auto& b = vs.real_servers.at(1).checks->front();
  EXPECT_EQ(std::get<healthcheck::http_params>(b.params).path, "/status");
  EXPECT_EQ(std::get<healthcheck::http_params>(b.params).headers,
            std::vector<std::string>{"X-Probe: lbd"});  // inherited
  EXPECT_EQ(b.timing.interval, std::chrono::seconds(10));
  EXPECT_EQ(b.timing.timeout, std::chrono::seconds(2));
  EXPECT_EQ(b.timing.retry_delay, std::chrono::seconds(10));
  const auto& c = vs.real_servers.at(2).checks->front();
  EXPECT_EQ(type_of(c), check_type::tcp);  // another type keeps only the common keys
  EXPECT_TRUE(std::holds_alternative<healthcheck::tcp_params>(c.params));
  EXPECT_EQ(c.timing.interval, std::chrono::seconds(5));
  EXPECT_EQ(c.connect_to->port, 22);
}

// The loader produces the checker's own values: bound to a real server they are what it runs.
TEST(config_loader, checks_are_the_checkers_values) {
  auto r = load_string(R"(
[[virtual_server]]
name = "web"
address = "192.0.2.10:80"
check = { type = "http", path = "/healthz", expect_status = [200, "300-302"], headers = { X-Probe = "lbd" }, rise = 4, fall = 5, initial_state = "up" }
[[virtual_server.real_server]]
address = "10.0.1.11:8080"
check = { connect_to = "10.0.1.11:9000" }
[[virtual_server.real_server]]
address = "10.0.1.12:8080"
check = { type = "dns", name = "example.org", query_type = "AAAA", expect_rcode = "NXDOMAIN" }
[[virtual_server.real_server]]
address = "10.0.1.13:8080"
check = { type = "dns", name = "example.org", expect_rcode = "NOERROR" }
[[virtual_server.real_server]]
address = "10.0.1.14:8080"
check = { type = "script", command = ["/bin/true"], dynamic_weight = { min = 2, max = 9 } }
[[virtual_server.real_server]]
address = "10.0.1.15:8080"
check = { type = "none" }
)",
                       "t.conf", load_options{"n"});
  ASSERT_TRUE(r.ok()) << format(r.diagnostics.at(0));
  const auto& rss = r.cfg->virtual_servers.at(0).real_servers;
  const auto s = healthcheck::bind_check(rss.at(0).checks->front(), rss.at(0).address);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->target, (endpoint{boost::asio::ip::make_address("10.0.1.11"), 9000}));
  const auto& h = std::get<healthcheck::http_params>(s->params);
  EXPECT_FALSE(h.tls);
  EXPECT_EQ(h.path, "/healthz");
  ASSERT_EQ(h.expect_status.size(), 2U);
  EXPECT_EQ(h.expect_status[0].hi, 200U);  // exactly 200, not the checker's 200-299
  EXPECT_EQ(h.expect_status[1].lo, 300U);
  EXPECT_EQ(h.expect_status[1].hi, 302U);
  EXPECT_EQ(s->thresholds.rise, 4U);
  EXPECT_EQ(s->thresholds.fall, 5U);
  EXPECT_EQ(s->thresholds.initial, healthcheck::health::up);
  const auto dns = healthcheck::bind_check(rss.at(1).checks->front(), rss.at(1).address);
  ASSERT_TRUE(dns);
  EXPECT_EQ(dns->target, rss.at(1).address);
  EXPECT_EQ(std::get<healthcheck::dns_params>(dns->params).expect_rcode, 3U);
  EXPECT_EQ(std::get<healthcheck::dns_params>(rss.at(2).checks->front().params).expect_rcode, std::nullopt);
  const auto& sc = std::get<healthcheck::script_params>(rss.at(3).checks->front().params);
  EXPECT_EQ(sc.dynamic_weight, healthcheck::weight_source::stdout_line);
  EXPECT_EQ(sc.min_weight, 2U);
  EXPECT_EQ(sc.max_weight, 9U);
  EXPECT_FALSE(healthcheck::bind_check(rss.at(4).checks->front(), rss.at(4).address));
}

TEST(config_loader, dr_and_fwmark_real_servers_resolve_their_port) {
  auto r = load_string(R"([[virtual_server]]
name = "dns"
address = "192.0.2.53:53"
protocol = "udp"
forwarding = "dr"
check = { type = "dns", name = "example.com" }
[[virtual_server.real_server]]
address = "10.0.1.21"

[[virtual_server]]
name = "mark"
fwmark = 5
family = "inet6"
forwarding = "tun"
[[virtual_server.real_server]]
address = "2001:db8::21"
[[virtual_server.real_server]]
address = "10.0.1.22"
)",
                       "t.conf", load_options{"n"});
  ASSERT_TRUE(r.ok()) << format(r.diagnostics.at(0));
  const auto& dns = r.cfg->virtual_servers.at(0);
  EXPECT_EQ(dns.real_servers.at(0).address.port, 53);
  EXPECT_EQ(dns.real_servers.at(0).method, forwarding::dr);
  EXPECT_EQ(std::get<healthcheck::dns_params>(dns.real_servers.at(0).checks->front().params).type, "A");
  const auto& mark = *r.cfg->find_virtual_server("mark");
  EXPECT_EQ(mark.family, address_family::inet6);
  EXPECT_EQ(mark.real_servers.at(0).address.port, 0);
  EXPECT_EQ(mark.real_servers.at(1).address.address.is_v4(), true);  // tun may mix families
  ASSERT_TRUE(mark.tunnel.has_value());
  EXPECT_EQ(mark.tunnel->type, tunnel_type::ipip);
  EXPECT_EQ(type_of(mark.real_servers.at(0).checks->front()), check_type::none);
}

TEST(config_loader, collects_errors_from_every_section) {
  auto r = load_string(R"([global]
log_level = 3
[ipvs]
timeouts = { udp = "x" }
[[vrrp]]
name = "a"
[[virtual_server]]
name = "b"
)",
                       "t.conf", load_options{"n"});
  EXPECT_FALSE(r.ok());
  // log_level, udp, vrrp interface/vrid/virtual_ips, service address.
  EXPECT_EQ(r.error_count(), 6U);
}

TEST(config_loader, missing_file_is_an_error_without_position) {
  auto r = load_file("/nonexistent/lbd.conf");
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics.size(), 1U);
  EXPECT_EQ(r.diagnostics[0].line, 0U);
  EXPECT_EQ(format(r.diagnostics[0]), "/nonexistent/lbd.conf: error: cannot open: No such file or directory");
}

TEST(config_loader, json_that_is_not_a_configuration_is_an_error) {
  EXPECT_FALSE(load_json("{", "x.json").ok());
  EXPECT_FALSE(load_json("[1]", "x.json").ok());
  auto r = load_json(R"({"global": {"node_name": null}})", "x.json");
  ASSERT_EQ(r.diagnostics.size(), 1U);
  EXPECT_NE(r.diagnostics[0].message.find("global.node_name: null"), std::string::npos) << r.diagnostics[0].message;
  auto typo = load_json(R"({"global": {"nodename": "a"}})", "x.json");
  ASSERT_EQ(typo.diagnostics.size(), 1U);
  EXPECT_EQ(format(typo.diagnostics[0]), "x.json: error: global.nodename: unknown key; did you mean 'node_name'?");
}

TEST(config_loader, binary_garbage_is_an_error_not_a_crash) {
  std::string junk("\x00\xff[[\x01=", 6);
  auto r = load_string(junk, "junk.conf");
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(r.diagnostics.empty());
}

}  // namespace
}  // namespace lbd::config

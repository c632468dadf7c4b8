// SPDX-License-Identifier: GPL-2.0-or-later
// lbctl's human output, pinned with golden strings: the daemon's answers (data/status.json follows
// docs/control-protocol.md), parsed into their structs as lbctl does, rendered at a fixed time.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/time_format.hpp"
#include "ctl/view/views.hpp"
#include "status/answers.hpp"

namespace lbd::ctl::view {
namespace {

nlohmann::json load(const std::string& name) {
  std::ifstream in(std::string(LBD_CTL_TEST_DATA) + "/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return nlohmann::json::parse(s.str());
}

using api::parse_rfc3339;

clock_point at(const char* rfc3339) { return *parse_rfc3339(rfc3339); }

template <typename T>
T as(const nlohmann::json& j) {
  return api::parse_answer<T>(j, "test");
}

const clock_point now = at("2026-11-21T10:00:00Z");

TEST(ViewText, ParsesRfc3339) {
  EXPECT_EQ(at("2026-11-21T10:00:00Z") - at("2026-11-21T09:57:00Z"), std::chrono::minutes(3));
  EXPECT_EQ(at("2026-11-21T11:00:00+01:00"), at("2026-11-21T10:00:00Z"));
  EXPECT_EQ(at("2026-11-21T10:00:00.250Z") - at("2026-11-21T10:00:00Z"), std::chrono::milliseconds(250));
  EXPECT_FALSE(parse_rfc3339("2026-11-21 10:00"));
  EXPECT_FALSE(parse_rfc3339("2026-13-21T10:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("yesterday"));
  EXPECT_FALSE(parse_rfc3339(""));
}

TEST(ViewText, ReadsWhatTheDaemonWrites) {
  auto t = std::chrono::system_clock::time_point(std::chrono::milliseconds(1795253105123));
  EXPECT_EQ(parse_rfc3339(rfc3339(t)), t);
}

TEST(ViewText, AgoReadsAtAGlance) {
  EXPECT_EQ(ago(now, now), "just now");
  EXPECT_EQ(ago(now - std::chrono::seconds(42), now), "42s ago");
  EXPECT_EQ(ago(now - std::chrono::minutes(3), now), "3m ago");
  EXPECT_EQ(ago(now - std::chrono::minutes(125), now), "2h5m ago");
  EXPECT_EQ(ago(now - std::chrono::hours(2), now), "2h ago");
  EXPECT_EQ(ago(now - std::chrono::hours(76), now), "3d4h ago");
  EXPECT_EQ(ago(now + std::chrono::minutes(1), now), "in the future");
}

TEST(ViewText, TableAlignsColumnsWithoutTrailingBlanks) {
  table t;
  t.add({"A", "BBB", ""});
  t.add({"CCCC", "D", "E"});
  EXPECT_EQ(t.render("  "), "  A     BBB\n  CCCC  D    E\n");
}

// Golden text: one output line per source line.
// clang-format off
TEST(Views, Vrrp) {
  EXPECT_EQ(vrrp(as<std::vector<api::vrrp_instance>>(load("status.json")["vrrp"]), now),
            "INSTANCE   INTERFACE     VRID  STATE              PRIO/EFF  MASTER    VIRTUAL IPS                  LAST TRANSITION\n"
            "web        eth0          51    MASTER             150/150   10.0.0.1  192.0.2.10/24,192.0.2.11/24  BACKUP -> MASTER 3m ago (master down timer expired)\n"
            "db [pair]  eth1>vrrp.52  52    FAULT (eth1 down)  100/0     ?         10.9.0.5/24                  -\n");
  EXPECT_EQ(vrrp({}, now), "no VRRP instances\n");
}

TEST(Views, ServicesLikeIpvsadm) {
  EXPECT_EQ(services(as<std::vector<api::service>>(load("status.json")["services"])),
            "Prot LocalAddress:Port Scheduler (name, VRRP instance)\n"
            "  -> RemoteAddress:Port  Forward  Weight  Health   ActiveConn  InActConn  Notes\n"
            "TCP  192.0.2.10:80 wlc (http, also 192.0.2.11:80, vrrp web)\n"
            "  -> 10.0.1.11:8080      Masq     3       up       10          30\n"
            "  -> 10.0.1.12:8080      Masq     0       down     0           0          down: connection refused\n"
            "  -> 10.0.1.13:8080      Masq     0       up       2           10         [drain] draining, configured weight 3\n"
            "  -> 10.0.1.14:8080      Masq     5       up       0           0          [weight 5] configured weight 3, not in kernel\n"
            "UDP  [2001:db8::53]:53 rr (dns, NO QUORUM, sorry server active)\n"
            "  -> [2001:db8::1]:53    Route    0       pending  0           0\n");
  EXPECT_EQ(services({}), "no virtual services\n");
}

// clang-format on
TEST(Views, AnycastGroupsSayWhyTheirRoutesAreOutOrNot) {
  std::vector<api::anycast_group> groups{{"web",
                                          {"192.0.2.10", "2001:db8::10"},
                                          "lo",
                                          true,
                                          "live weight 80 of 100 (80%) reached the high watermark 75%",
                                          now - std::chrono::minutes(3),
                                          80,
                                          100,
                                          75,
                                          50,
                                          ""},
                                         {"dns",
                                          {"192.0.2.53"},
                                          "dummy0",
                                          false,
                                          "no live weight yet",
                                          std::nullopt,
                                          0,
                                          10,
                                          0,
                                          0,
                                          "/dev/net/tun: No such device"}};
  EXPECT_EQ(anycast(groups, now),
            "GROUP  VIRTUAL IPS                    ROUTES     LIVE WEIGHT   WATERMARKS  SINCE   REASON\n"
            "web    192.0.2.10,2001:db8::10 on lo  announced  80/100 (80%)  50%-75%     3m ago  live weight 80 of 100 "
            "(80%) reached the high watermark 75%\n"
            "dns    192.0.2.53 on dummy0           withdrawn  0/10 (0%)     0%-0%       -       no live weight yet "
            "(routes: /dev/net/tun: No such device)\n");
  EXPECT_EQ(anycast({}, now), "no anycast groups\n");
  auto s = as<api::daemon_status>(load("status.json"));
  EXPECT_EQ(status(s, now).find("Anycast"), std::string::npos);  // none: no section
  s.anycast = groups;
  EXPECT_NE(status(s, now).find("\nAnycast (routes for BGP)\n  GROUP  VIRTUAL IPS"), std::string::npos);
}

TEST(Views, FullnatServicesForwardAsFullNAT) {
  auto list = as<std::vector<api::service>>(load("status.json")["services"]);
  list.at(0).source_nat = "10.41.0.201-10.41.0.202";
  const auto out = services(list);
  EXPECT_NE(out.find("  -> 10.0.1.11:8080      FullNAT  3       up"), std::string::npos) << out;
  EXPECT_NE(out.find("  -> [2001:db8::1]:53    Route"), std::string::npos) << out;
}
// clang-format off

TEST(Views, Status) {
  EXPECT_EQ(status(as<api::daemon_status>(load("status.json")), now),
            "lbd on director-a, config /etc/lbd/lbd.conf, started 2h ago\n"
            "\n"
            "VRRP\n"
            "  INSTANCE   INTERFACE     VRID  STATE              PRIO/EFF  MASTER    VIRTUAL IPS                  LAST TRANSITION\n"
            "  web        eth0          51    MASTER             150/150   10.0.0.1  192.0.2.10/24,192.0.2.11/24  BACKUP -> MASTER 3m ago (master down timer expired)\n"
            "  db [pair]  eth1>vrrp.52  52    FAULT (eth1 down)  100/0     ?         10.9.0.5/24                  -\n"
            "\n"
            "Virtual services\n"
            "Prot LocalAddress:Port Scheduler (name, VRRP instance)\n"
            "  -> RemoteAddress:Port  Forward  Weight  Health   ActiveConn  InActConn  Notes\n"
            "TCP  192.0.2.10:80 wlc (http, also 192.0.2.11:80, vrrp web)\n"
            "  -> 10.0.1.11:8080      Masq     3       up       10          30\n"
            "  -> 10.0.1.12:8080      Masq     0       down     0           0          down: connection refused\n"
            "  -> 10.0.1.13:8080      Masq     0       up       2           10         [drain] draining, configured weight 3\n"
            "  -> 10.0.1.14:8080      Masq     5       up       0           0          [weight 5] configured weight 3, not in kernel\n"
            "UDP  [2001:db8::53]:53 rr (dns, NO QUORUM, sorry server active)\n"
            "  -> [2001:db8::1]:53    Route    0       pending  0           0\n"
            "\n"
            "last reload: ok 5m ago (SIGHUP, /etc/lbd/lbd.conf): 1 real server added; 1 IPVS op, 0 errors; 12 ms\n");
}

TEST(Views, ChecksTable) {
  auto checks_json = nlohmann::json::parse(R"([
    {"check": "http 10.0.1.11:8080", "type": "http", "target": "10.0.1.11:8080", "status": "up", "reason": "HTTP 200",
     "latency_ms": 2.14, "successes": 5, "failures": 0, "probes": 9, "last_run": "2026-11-21T09:59:59Z", "users": ["http", "api"]},
    {"check": "tcp 10.0.1.12:8080", "type": "tcp", "target": "10.0.1.12:8080", "status": "down",
     "reason": "connection refused", "latency_ms": null, "successes": 0, "failures": 7, "probes": 7, "last_run": null, "users": ["http"]}
  ])");
  EXPECT_EQ(checks(as<std::vector<api::check>>(checks_json), now),
            "CHECK                STATUS  REASON              LATENCY  OK/FAIL  LAST RUN  USED BY\n"
            "http 10.0.1.11:8080  up      HTTP 200            2.1ms    5/0      1s ago    http, api\n"
            "tcp 10.0.1.12:8080   down    connection refused           0/7      never     http\n");
  EXPECT_EQ(checks({}, now), "no health checks running\n");
}

TEST(Views, RefusedReloadShowsItsErrors) {
  auto report = as<api::reload_report>(nlohmann::json::parse(R"({"ok": false, "result": "refused", "at": "2026-11-21T09:58:00Z", "trigger": "lbctl",
    "file": "/etc/lbd/lbd.conf", "errors": ["/etc/lbd/lbd.conf:12:12: error: vrrp[web].priority: 300 is out of range 1-255",
    "/etc/lbd/lbd.conf:30:1: error: virtual_server[http]: no real servers"], "warnings": 1, "duration_ms": 3,
    "ipvs_ops": 0, "ipvs_errors": 0, "vrrp_restarted": [], "vrrp_updated": [],
    "summary": "refused: 2 error(s); the running configuration is unchanged"})"));
  EXPECT_EQ(reload_line(report, now),
            "last reload: REFUSED 2m ago (lbctl, /etc/lbd/lbd.conf), the previous config keeps running:\n"
            "  /etc/lbd/lbd.conf:12:12: error: vrrp[web].priority: 300 is out of range 1-255\n"
            "  /etc/lbd/lbd.conf:30:1: error: virtual_server[http]: no real servers\n");
  EXPECT_EQ(reload(report, now),
            "reload refused (lbctl, /etc/lbd/lbd.conf), the running config is unchanged:\n"
            "  /etc/lbd/lbd.conf:12:12: error: vrrp[web].priority: 300 is out of range 1-255\n"
            "  /etc/lbd/lbd.conf:30:1: error: virtual_server[http]: no real servers\n");
  EXPECT_EQ(reload_line(std::nullopt, now), "last reload: none since lbd started\n");
}

TEST(Views, PartlyAppliedReload) {
  auto report = as<api::reload_report>(nlohmann::json::parse(R"js({"ok": false, "result": "partial", "at": "2026-11-21T09:59:00Z", "trigger": "SIGHUP",
    "file": "/etc/lbd/lbd.conf", "errors": ["IPVS: the kernel has no IPVS (modprobe ip_vs)"], "warnings": 0,
    "duration_ms": 1.04, "ipvs_ops": 0, "ipvs_errors": 0, "vrrp_restarted": [], "vrrp_updated": [], "summary": "no change"})js"));
  EXPECT_EQ(reload_line(report, now),
            "last reload: PARTIAL 1m ago (SIGHUP, /etc/lbd/lbd.conf), running the new config with problems: no change; 0 IPVS ops, 0 errors; 1.04 ms\n"
            "  IPVS: the kernel has no IPVS (modprobe ip_vs)\n");
  EXPECT_EQ(reload(report, now),
            "reloaded with problems (SIGHUP, /etc/lbd/lbd.conf), the new config is running: no change; 0 IPVS ops, 0 errors; 1.04 ms\n"
            "  IPVS: the kernel has no IPVS (modprobe ip_vs)\n");
}

TEST(Views, AcceptedReload) {
  auto report = as<api::reload_report>(nlohmann::json::parse(R"({"ok": true, "result": "ok", "at": "2026-11-21T10:00:00Z", "trigger": "lbctl",
    "file": "/etc/lbd/lbd.conf", "errors": [], "warnings": 2, "duration_ms": 40, "ipvs_ops": 3, "ipvs_errors": 1,
    "vrrp_restarted": ["web", "db"], "vrrp_updated": ["gw"], "summary": "vrrp web changed, 1 real server added"})"));
  report.duration_ms = 0.4213;
  EXPECT_EQ(reload(report, now),
            "reloaded (lbctl, /etc/lbd/lbd.conf): vrrp web changed, 1 real server added; 3 IPVS ops, 1 error; VRRP restarted: web, db; VRRP updated in place: gw; 2 warnings; 0.421 ms\n");
}

TEST(Views, OverrideResult) {
  auto affected = as<std::vector<api::affected_server>>(nlohmann::json::parse(R"([
    {"service": "http", "address": "10.0.1.13:8080", "health": "up", "reason": "", "configured_weight": 3, "weight": 0,
     "kernel_weight": 0, "override": "drain", "draining": true, "active_conns": 2, "inactive_conns": 10}])"));
  EXPECT_EQ(override_result(affected, "drained"),
            "drained 10.0.1.13:8080 in http: weight 0 (configured weight 3), up, draining, 2 active connections\n");
  auto enabled = as<std::vector<api::affected_server>>(nlohmann::json::parse(R"([{"service": "http",
    "address": "10.0.1.13:8080", "health": "up", "reason": "", "configured_weight": 3, "weight": 3, "override": null,
    "draining": false, "active_conns": 0, "inactive_conns": 0}])"));
  EXPECT_EQ(override_result(enabled, "enabled"), "enabled 10.0.1.13:8080 in http: weight 3, up\n");
  EXPECT_EQ(override_result({}, "enabled"), "enabled: no real server affected\n");
}

TEST(Views, AServerLbdKeepsOutOfTheKernelHasNoWeight) {
  auto one = as<std::vector<api::service>>(
      nlohmann::json::parse(R"([{"name": "smtp", "service": "fwmark 5 ipv6", "scheduler": "rr", "forwarding": "tun",
    "quorum": true, "sorry_active": false, "active_conns": 0, "inactive_conns": 0,
    "real_servers": [{"address": "[2001:db8::7]:25", "health": "down", "reason": "timeout after 1s", "configured_weight": 1, "weight": null,
    "kernel_weight": null, "override": null, "draining": false, "active_conns": 0, "inactive_conns": 0}]}])"));
  EXPECT_EQ(services(one),
            "Prot LocalAddress:Port Scheduler (name, VRRP instance)\n"
            "  -> RemoteAddress:Port  Forward  Weight  Health  ActiveConn  InActConn  Notes\n"
            "FWM  5 ipv6 rr (smtp)\n"
            "  -> [2001:db8::7]:25    Tunnel   -       down    0           0          not in kernel, down: timeout after 1s\n");
}

TEST(Views, AnEjectedServerSaysWhenItComesBack) {
  auto one = as<std::vector<api::service>>(
      nlohmann::json::parse(R"json([{"name": "web", "service": "tcp 192.0.2.10:80", "scheduler": "rr", "forwarding": "nat",
    "quorum": true, "sorry_active": false, "active_conns": 0, "inactive_conns": 0,
    "real_servers": [{"address": "10.0.1.11:80", "health": "up", "reason": "connected", "configured_weight": 1, "weight": 0,
    "kernel_weight": 0, "override": null, "draining": true, "ejected": "back in 4s (ejection 1 in a row)",
    "active_conns": 0, "inactive_conns": 3}]}])json"));
  EXPECT_EQ(services(one),
            "Prot LocalAddress:Port Scheduler (name, VRRP instance)\n"
            "  -> RemoteAddress:Port  Forward  Weight  Health  ActiveConn  InActConn  Notes\n"
            "TCP  192.0.2.10:80 rr (web)\n"
            "  -> 10.0.1.11:80        Masq     0       up      0           3          draining, ejected, back in 4s (ejection 1 in a row)\n");
}

TEST(Views, ARampingServerSaysHowFarItsSlowStartHasGone) {
  auto one = as<std::vector<api::service>>(
      nlohmann::json::parse(R"json([{"name": "web", "service": "tcp 192.0.2.10:80", "scheduler": "wrr", "forwarding": "nat",
    "quorum": true, "sorry_active": false, "active_conns": 0, "inactive_conns": 0,
    "real_servers": [{"address": "10.0.1.11:80", "health": "up", "reason": "connected", "configured_weight": 100, "weight": 28,
    "kernel_weight": 28, "override": null, "draining": false, "slow_start": "slow start 2/10 s to weight 100",
    "active_conns": 5, "inactive_conns": 3}]}])json"));
  EXPECT_EQ(services(one),
            "Prot LocalAddress:Port Scheduler (name, VRRP instance)\n"
            "  -> RemoteAddress:Port  Forward  Weight  Health  ActiveConn  InActConn  Notes\n"
            "TCP  192.0.2.10:80 wrr (web)\n"
            "  -> 10.0.1.11:80        Masq     28      up      5           3          slow start 2/10 s to weight 100\n");
}

// clang-format on

TEST(Views, WrongShapesAreRefusedBeforeRendering) {
  // What used to print blanks now stops at the contract, with the member named.
  for (const auto* text : {R"(null)", R"(42)", R"({})", R"({"vrrp": {"name": 1}, "services": [], "reload": 3})"}) {
    const auto j = nlohmann::json::parse(text);
    EXPECT_THROW((void)as<api::daemon_status>(j), api::contract_error) << text;
    EXPECT_THROW((void)as<std::vector<api::service>>(j), api::contract_error) << text;
  }
  auto s = load("status.json");
  s["vrrp"][0]["state"] = "LEADER";
  try {
    (void)api::parse_answer<api::daemon_status>(s, "status");
    FAIL();
  } catch (const api::contract_error& e) {
    EXPECT_STREQ(e.what(),
                 "unexpected answer to status: \"vrrp\": \"state\": unknown VRRP state \"LEADER\" (expected one of: "
                 "INIT, BACKUP, MASTER, FAULT)");
  }
}

}  // namespace
}  // namespace lbd::ctl::view

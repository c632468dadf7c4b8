// SPDX-License-Identifier: GPL-2.0-or-later
// lbctl doctor's judgement: a config and hand-made facts in, findings out.
#include <gtest/gtest.h>

#include <algorithm>

#include "config/load.hpp"
#include "ctl/doctor/rules.hpp"
#include "ctl/doctor/rules_fullnat.hpp"

namespace lbd::ctl::doctor {
namespace {

constexpr const char* conf = R"(
[global]
node_name = "director-a"

[[vrrp]]
name = "web"
interface = "eth0"
vrid = 51
priority = 150
virtual_ips = ["192.0.2.10/24"]

[[virtual_server]]
name = "http"
address = "192.0.2.10:80"
scheduler = "wlc"
forwarding = "nat"
on_failure = "remove"
vrrp = "web"
check = { type = "tcp" }

[[virtual_server.real_server]]
address = "10.0.1.11:8080"

[[virtual_server.real_server]]
address = "10.0.1.12:8080"

[[virtual_server]]
name = "https"
address = "192.0.2.10:443"
scheduler = "sh"
forwarding = "dr"
persistence = { timeout = "600s" }
check = { type = "http", path = "/ready" }

[[virtual_server.real_server]]
address = "10.0.1.21:443"
check = { type = "http", connect_to = "10.0.1.21:8443", path = "/ready" }
)";

config::config load() {
  auto r = config::load_string(conf, "lbd.conf");
  EXPECT_TRUE(r.ok());
  if (!r.ok()) {
    for (const auto& d : r.diagnostics) ADD_FAILURE() << config::format(d);
    std::abort();
  }
  return *r.cfg;
}

endpoint ep(const char* s) { return *parse_endpoint(s); }

// A director where everything is right.
facts healthy() {
  facts f;
  f.modules.kernel_release = "6.1.0-27-amd64";
  f.modules.ipvs_in_kernel = true;
  f.modules.loaded = {"ip_vs", "ip_vs_wlc", "nf_conntrack"};
  f.modules.modules_dir_present = true;
  f.modules.available = {"ip_vs", "ip_vs_wlc", "ip_vs_sh", "ip_vs_rr"};
  f.modules.builtin_list_readable = true;
  f.sysctls = {{"net.ipv4.ip_forward", "1"},
               {"net.ipv4.vs.conntrack", "0"},
               {"net.ipv4.vs.expire_nodest_conn", "1"},
               {"net.ipv4.vs.expire_quiescent_template", "1"}};
  f.daemon.reachable = true;
  f.daemon.vrrp_state = {{"web", "MASTER"}};
  f.interfaces["eth0"] = {true, {*parse_prefix("192.0.2.2/24"), *parse_prefix("192.0.2.10/24")}};
  for (const char* e : {"10.0.1.11:8080", "10.0.1.12:8080", "10.0.1.21:8443"}) f.probes.push_back({ep(e), true, ""});
  f.firewall.inspected = true;
  return f;
}

std::vector<finding> with(severity s, const std::vector<finding>& all) {
  std::vector<finding> out;
  std::copy_if(all.begin(), all.end(), std::back_inserter(out), [s](const finding& f) { return f.level == s; });
  return out;
}

std::string dump(const std::vector<finding>& all) { return render_text(all); }

TEST(DoctorSurvey, ProbesWhereTheChecksConnect) {
  auto s = plan_survey(load());
  ASSERT_EQ(s.probes.size(), 3U);
  EXPECT_EQ(s.probes[0], ep("10.0.1.11:8080"));
  EXPECT_EQ(s.probes[2], ep("10.0.1.21:8443"));
  EXPECT_EQ(s.interfaces, std::set<std::string>{"eth0"});
}

TEST(Doctor, AHealthyDirectorHasNoErrorsOrWarnings) {
  auto all = diagnose(load(), healthy());
  EXPECT_TRUE(with(severity::error, all).empty()) << dump(all);
  EXPECT_TRUE(with(severity::warning, all).empty()) << dump(all);
  EXPECT_FALSE(any_error(all));
  EXPECT_GE(all.size(), 6U) << dump(all);
}

TEST(Doctor, NoIpvsAndNoModulesDirectory) {
  auto f = healthy();
  f.modules = {};
  f.modules.kernel_release = "6.18.44-fc";
  f.sysctls.erase("net.ipv4.vs.expire_nodest_conn");
  f.sysctls.erase("net.ipv4.vs.expire_quiescent_template");
  auto errors = with(severity::error, diagnose(load(), f));
  ASSERT_EQ(errors.size(), 1U) << dump(errors);
  EXPECT_EQ(errors[0].topic, "ipvs-modules");
  EXPECT_EQ(errors[0].what,
            "IPVS is unavailable: ip_vs is not loaded nor built in, and kernel 6.18.44-fc has no modules directory "
            "/lib/modules/6.18.44-fc to load it from");
  auto warnings = with(severity::warning, diagnose(load(), f));
  ASSERT_EQ(warnings.size(), 2U) << dump(warnings);
  EXPECT_NE(warnings[0].what.find("net.ipv4.vs.expire_nodest_conn cannot be read"), std::string::npos);
}

TEST(Doctor, IpvsLoadableFromModulesButAMissingScheduler) {
  auto f = healthy();
  f.modules.ipvs_in_kernel = false;
  f.modules.loaded.clear();
  f.modules.available = {"ip_vs", "ip_vs_wlc"};
  auto all = diagnose(load(), f);
  auto errors = with(severity::error, all);
  ASSERT_EQ(errors.size(), 1U) << dump(all);
  EXPECT_EQ(
      errors[0].what,
      "scheduler module ip_vs_sh (services https) is neither loaded, built in nor in /lib/modules/6.1.0-27-amd64");
  EXPECT_EQ(all[0].level, severity::ok);
  EXPECT_NE(all[0].what.find("can be"), std::string::npos);
}

TEST(Doctor, IpForwardOffWithNat) {
  auto f = healthy();
  f.sysctls["net.ipv4.ip_forward"] = "0";
  auto errors = with(severity::error, diagnose(load(), f));
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].topic, "ip-forward");
  EXPECT_EQ(errors[0].what,
            "net.ipv4.ip_forward is 0: the real servers' replies to NAT services (http) are not forwarded");
  EXPECT_EQ(errors[0].fix, "sysctl -w net.ipv4.ip_forward=1, and keep it in /etc/sysctl.d/");
}

TEST(Doctor, IpvsSysctls) {
  auto f = healthy();
  f.sysctls["net.ipv4.vs.expire_nodest_conn"] = "0";
  f.sysctls["net.ipv4.vs.expire_quiescent_template"] = "0";
  // conntrack matters only with NAT and netfilter forward rules
  firewall::chain fwd;
  fwd.source = "nft";
  fwd.family = "inet";
  fwd.base = firewall::hook::forward;
  f.firewall.rules.chains.push_back(fwd);
  auto warnings = with(severity::warning, diagnose(load(), f));
  ASSERT_EQ(warnings.size(), 3U) << dump(warnings);
  EXPECT_EQ(warnings[0].fix, "sysctl -w net.ipv4.vs.conntrack=1, and keep it in /etc/sysctl.d/");
  EXPECT_NE(
      warnings[1].what.find("net.ipv4.vs.expire_nodest_conn is 0 with services with on_failure = \"remove\" (http)"),
      std::string::npos);
  EXPECT_NE(warnings[2].what.find("persistent services (https)"), std::string::npos);
}

TEST(Doctor, VipAgainstVrrpState) {
  auto f = healthy();
  f.interfaces["eth0"].addresses.pop_back();  // MASTER without its VIP
  auto errors = with(severity::error, diagnose(load(), f));
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].what, "vrrp web is MASTER but 192.0.2.10/24 is missing from eth0: clients cannot reach the VIP");

  f = healthy();
  f.daemon.vrrp_state["web"] = "BACKUP";  // BACKUP holding the VIP
  errors = with(severity::error, diagnose(load(), f));
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].what, "192.0.2.10/24 is on eth0 while vrrp web is BACKUP: two directors may answer for it");
  EXPECT_EQ(errors[0].fix, "ip addr del 192.0.2.10/24 dev eth0 (lbd adds it when it becomes MASTER)");

  f.interfaces["eth0"].addresses.pop_back();  // BACKUP without it: right
  EXPECT_TRUE(with(severity::error, diagnose(load(), f)).empty());
}

TEST(Doctor, VipPresentWhileTheDaemonIsDown) {
  auto f = healthy();
  f.daemon = {false, "cannot reach lbd at /run/lbd/lbd.sock: No such file or directory (is lbd running?)", {}};
  auto all = diagnose(load(), f);
  auto errors = with(severity::error, all);
  ASSERT_EQ(errors.size(), 1U) << dump(all);
  EXPECT_EQ(errors[0].what,
            "192.0.2.10/24 is on eth0 but lbd is not running: no VRRP guards it, and the other director may hold it "
            "too");
  auto warnings = with(severity::warning, all);
  ASSERT_EQ(warnings.size(), 1U);
  EXPECT_EQ(warnings[0].topic, "daemon");
  // Without the VIP, a stopped daemon is only a warning.
  f.interfaces["eth0"].addresses.pop_back();
  EXPECT_FALSE(any_error(diagnose(load(), f)));
}

TEST(Doctor, ADaemonThatRefusesTheQueryLeavesTheVipsUnchecked) {
  auto f = healthy();
  f.daemon = {true, "unknown command 'vrrp'", {}};
  auto all = diagnose(load(), f);
  EXPECT_FALSE(any_error(all)) << dump(all);
  auto warnings = with(severity::warning, all);
  ASSERT_EQ(warnings.size(), 1U);
  EXPECT_EQ(warnings[0].what,
            "lbd answers but did not list its VRRP instances: unknown command 'vrrp'; VIPs not checked");
}

TEST(Doctor, WithUseVmacTheVipsAreOnTheMacvlan) {
  std::string text = conf;
  text.replace(text.find("virtual_ips = [\"192.0.2.10/24\"]"), 0, "use_vmac = true\n");
  auto r = config::load_string(text, "lbd.conf");
  ASSERT_TRUE(r.ok());
  auto f = healthy();
  f.interfaces["eth0"].addresses.pop_back();
  f.interfaces["vrrp.51"] = {true, {*parse_prefix("192.0.2.10/24")}};
  EXPECT_TRUE(plan_survey(*r.cfg).interfaces.contains("vrrp.51"));
  auto all = diagnose(*r.cfg, f);
  EXPECT_FALSE(any_error(all)) << dump(all);
  f.interfaces["vrrp.51"].present = false;  // lbd removed it, or someone deleted it
  auto errors = with(severity::error, diagnose(*r.cfg, f));
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].what,
            "vrrp web is MASTER but 192.0.2.10/24 is missing from vrrp.51: clients cannot reach the VIP");
  f.daemon = {false, "cannot reach lbd", {}};  // stopped: the macvlan went with it
  EXPECT_FALSE(any_error(diagnose(*r.cfg, f)));
}

TEST(Doctor, MissingInterface) {
  auto f = healthy();
  f.interfaces["eth0"].present = false;
  auto errors = with(severity::error, diagnose(load(), f));
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].what, "interface eth0 of vrrp web does not exist");
}

TEST(Doctor, RealServersNotListening) {
  auto f = healthy();
  f.probes[0] = {ep("10.0.1.11:8080"), false, "connection refused: nothing listens on that port"};
  auto all = diagnose(load(), f);
  EXPECT_FALSE(any_error(all)) << "one of two down is a warning";
  auto warnings = with(severity::warning, all);
  ASSERT_EQ(warnings.size(), 1U);
  EXPECT_EQ(warnings[0].what, "http 10.0.1.11:8080: connection refused: nothing listens on that port");
  f.probes[1] = {ep("10.0.1.12:8080"), false, "no answer within 1000 ms"};
  auto errors = with(severity::error, diagnose(load(), f));
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].what, "http: none of its 2 real servers accepts a connection");
}

TEST(Doctor, FirewallDroppingVrrpAndChecks) {
  auto f = healthy();
  firewall::chain in;
  in.source = "nft";
  in.family = "inet";
  in.table = "filter";
  in.name = "input";
  in.base = firewall::hook::input;
  in.rules.push_back(
      {{{"l4proto", false, {"vrrp"}}}, firewall::verdict::drop, "", "meta l4proto vrrp drop (handle 4)"});
  firewall::chain out = in;
  out.name = "output";
  out.base = firewall::hook::output;
  out.rules = {{{{"daddr", false, {"10.0.1.21"}}, {"dport", false, {"8443"}}},
                firewall::verdict::reject,
                "",
                "ip daddr 10.0.1.21 tcp dport 8443 reject (handle 7)"}};
  f.firewall.rules.chains = {in, out};
  auto errors = with(severity::error, diagnose(load(), f));
  ASSERT_EQ(errors.size(), 2U) << dump(errors);
  EXPECT_EQ(errors[0].topic, "firewall-vrrp");
  EXPECT_EQ(errors[0].what,
            "VRRP (protocol 112) arriving on eth0 for vrrp web is dropped by nft table inet filter chain input: meta "
            "l4proto vrrp drop (handle 4)");
  EXPECT_EQ(errors[0].fix, "nft insert rule inet filter input iifname \"eth0\" ip protocol vrrp accept");
  EXPECT_EQ(errors[1].topic, "firewall-checks");
  EXPECT_EQ(errors[1].what,
            "health-check connection to 10.0.1.21:8443 is dropped by nft table inet filter chain output: ip daddr "
            "10.0.1.21 tcp dport 8443 reject (handle 7)");
}

TEST(Doctor, FirewallNotReadable) {
  auto f = healthy();
  f.firewall = {};
  f.firewall.problems = {"neither nft nor iptables-save is installed"};
  auto warnings = with(severity::warning, diagnose(load(), f));
  ASSERT_EQ(warnings.size(), 1U);
  EXPECT_EQ(warnings[0].what, "firewall rules not checked: neither nft nor iptables-save is installed");
}

TEST(DoctorReport, TextAndJson) {
  std::vector<finding> all{{severity::ok, "ip-forward", "net.ipv4.ip_forward is 1", ""},
                           {severity::error, "vip", "192.0.2.10/24 is on eth0 but lbd is not running", "start lbd"}};
  EXPECT_EQ(render_text(all),
            "ok       ip-forward  net.ipv4.ip_forward is 1\n"
            "ERROR    vip         192.0.2.10/24 is on eth0 but lbd is not running\n"
            "                     -> start lbd\n"
            "\n1 ok, 0 warnings, 1 error\n");
  auto j = render_json(all);
  EXPECT_FALSE(j["ok"].get<bool>());
  EXPECT_EQ(j["findings"][1]["severity"], "error");
  EXPECT_EQ(j["findings"][1]["fix"], "start lbd");
}

}  // namespace
}  // namespace lbd::ctl::doctor

namespace lbd::ctl::doctor {
namespace {

constexpr const char* fullnat_conf = R"(
[ipvs]
fullnat_pool4 = "10.0.0.1-10.0.0.4"
[[virtual_server]]
name = "web"
address = "192.0.2.10:80"
forwarding = "fullnat"
[[virtual_server.real_server]]
address = "10.0.1.11:8080"
)";

facts fullnat_facts() {
  facts f;
  f.sysctls = {{"net.ipv4.ip_forward", "1"},
               {"net.ipv4.vs.conntrack", "1"},
               {"net.ipv4.vs.expire_nodest_conn", "1"},
               {"net.ipv4.vs.expire_quiescent_template", "1"},
               {"net.netfilter.nf_conntrack_max", "262144"},
               {"net.netfilter.nf_conntrack_count", "1000"},
               {"net.netfilter.nf_conntrack_tcp_timeout_time_wait", "120"}};
  return f;
}

std::vector<finding> on_topic(const std::vector<finding>& all, const char* topic) {
  std::vector<finding> out;
  std::copy_if(all.begin(), all.end(), std::back_inserter(out), [&](const finding& f) { return f.topic == topic; });
  return out;
}

TEST(DoctorFullnat, SysctlsConntrackAndThePoolsCapacity) {
  auto r = config::load_string(fullnat_conf, "lbd.conf");
  ASSERT_TRUE(r.ok());
  const auto survey = plan_survey(*r.cfg);
  EXPECT_NE(std::find(survey.sysctls.begin(), survey.sysctls.end(), "net.netfilter.nf_conntrack_max"),
            survey.sysctls.end());
  auto found = on_topic(diagnose(*r.cfg, fullnat_facts()), "fullnat");
  ASSERT_EQ(found.size(), 5U) << dump(found);
  EXPECT_TRUE(with(severity::error, found).empty()) << dump(found);
  EXPECT_TRUE(with(severity::warning, found).empty()) << dump(found);
  EXPECT_EQ(found[3].what, "the conntrack table holds 1000 of 262144 entries");
  EXPECT_EQ(found[4].what,
            "fullnat_pool4 10.0.0.1-10.0.0.4: 4 addresses x 64512 source ports = 258048 connections at once to each "
            "real server, about 2150 new connections/s to each sustained (TIME_WAIT keeps a port 120 s); services: "
            "web");
}

TEST(DoctorFullnat, ConntrackOffIsAnErrorAndAFullTableAWarning) {
  auto r = config::load_string(fullnat_conf, "lbd.conf");
  ASSERT_TRUE(r.ok());
  auto f = fullnat_facts();
  f.sysctls["net.ipv4.vs.conntrack"] = "0";
  f.sysctls["net.netfilter.nf_conntrack_count"] = "250000";
  auto found = on_topic(diagnose(*r.cfg, f), "fullnat");
  auto errors = with(severity::error, found);
  ASSERT_EQ(errors.size(), 1U) << dump(found);
  EXPECT_NE(errors[0].what.find("net.ipv4.vs.conntrack is 0 with fullnat services (web)"), std::string::npos);
  auto warnings = with(severity::warning, found);
  ASSERT_EQ(warnings.size(), 1U) << dump(found);
  EXPECT_NE(warnings[0].what.find("holds 250000 of 262144 entries"), std::string::npos);
}

TEST(DoctorFullnat, ServicesSharingARealServerShareItsPorts) {
  auto r = config::load_string(std::string(fullnat_conf) + R"(
[[virtual_server]]
name = "alt"
address = "192.0.2.10:8080"
forwarding = "fullnat"
[[virtual_server.real_server]]
address = "10.0.1.11:8080"
)",
                               "lbd.conf");
  ASSERT_TRUE(r.ok());
  auto found = on_topic(diagnose(*r.cfg, fullnat_facts()), "fullnat");
  ASSERT_EQ(found.size(), 6U) << dump(found);
  EXPECT_EQ(found[5].what,
            "real server 10.0.1.11:8080 takes the connections of 2 fullnat services (web, alt): they share its 258048");
}

TEST(DoctorFullnat, PoolSizes) {
  const auto pool = [](const char* a, const char* b) {
    return config::address_pool{*parse_address(a), *parse_address(b)};
  };
  EXPECT_EQ(pool_size(pool("10.0.0.1", "10.0.0.1")), 1U);
  EXPECT_EQ(pool_size(pool("10.0.0.250", "10.0.1.3")), 10U);
  EXPECT_EQ(pool_size(pool("2001:db8::1", "2001:db8::10")), 16U);
  EXPECT_EQ(pool_size(pool("2001:db8::", "2001:db8:0:1::")), std::uint64_t{1} << 32);
}

}  // namespace
}  // namespace lbd::ctl::doctor

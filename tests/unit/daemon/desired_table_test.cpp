// SPDX-License-Identifier: GPL-2.0-or-later
// The desired IPVS table from config + health + overrides (pure).
#include "daemon/services/desired_table.hpp"

#include <gtest/gtest.h>

#include "config/load.hpp"

namespace lbd::daemon {
namespace {

namespace hc = healthcheck;

config::config load(const std::string& text) {
  auto r = config::load_string(text, "test.conf");
  if (!r.ok()) {
    for (const auto& d : r.diagnostics) ADD_FAILURE() << d.message;
  }
  return r.cfg.value();
}

endpoint ep(const char* s) { return parse_endpoint(s).value(); }

hc::desired_service up(std::initializer_list<std::pair<const char*, unsigned>> servers) {
  hc::desired_service d;
  for (const auto& [a, w] : servers) d.servers.push_back({ep(a), w, false});
  d.quorum = true;
  d.live_weight = 1;
  return d;
}

const char* web = R"(
[[virtual_server]]
name = "web"
address = "192.0.2.10:80"
scheduler = "sh"
scheduler_flags = ["sh-port"]
persistence = { timeout = "60s", netmask = "255.255.255.0" }
sorry_server = "10.0.1.250:80"
[[virtual_server.real_server]]
address = "10.0.1.11:8080"
weight = 3
upper_threshold = 100
lower_threshold = 10
[[virtual_server.real_server]]
address = "10.0.1.12:80"
forwarding = "tun"

[[virtual_server]]
name = "marked"
fwmark = 5
family = "inet6"
on_failure = "remove"
[[virtual_server.real_server]]
address = "2001:db8::11"
[[virtual_server.real_server]]
address = "2001:db8::12"
)";

TEST(desired_table, ServiceAttributesFromTheConfig) {
  const auto cfg = load(web);
  const auto& vs = cfg.virtual_servers.at(0);
  EXPECT_EQ(service_key_of(vs), ipvs::service_key::inet(ipvs::protocol::tcp, ep("192.0.2.10:80")));
  const auto a = service_attrs_of(vs);
  EXPECT_EQ(a.scheduler, "sh");
  EXPECT_EQ(a.flags, ipvs::svc_flag::persistent | ipvs::svc_flag::sh_port);
  EXPECT_EQ(a.timeout, 60U);
  EXPECT_EQ(a.netmask, 0xffffff00U);
  const auto& marked = cfg.virtual_servers.at(1);
  EXPECT_EQ(service_key_of(marked), ipvs::service_key::mark(ipvs::address_family::ipv6, 5));
  EXPECT_EQ(service_attrs_of(marked).netmask, std::nullopt);
}

TEST(desired_table, HealthyServersWithTheirAttributes) {
  const auto cfg = load(web);
  std::map<std::string, hc::desired_service> health{{"web", up({{"10.0.1.11:8080", 3}, {"10.0.1.12:80", 1}})},
                                                    {"marked", up({{"[2001:db8::11]:0", 1}})}};
  const auto d = build_desired(cfg, health, overrides{});
  ASSERT_EQ(d.services.size(), 2U);
  EXPECT_EQ(d.owned.size(), 2U);
  const auto& dests = d.services.at(service_key_of(cfg.virtual_servers[0])).dests;
  ASSERT_EQ(dests.size(), 2U);
  const auto& first = dests.at(dest_key_of(ep("10.0.1.11:8080"))).attrs;
  EXPECT_EQ(first.fwd, ipvs::forwarding::masq);
  EXPECT_EQ(first.weight, 3U);
  EXPECT_EQ(first.u_threshold, 100U);
  EXPECT_EQ(first.l_threshold, 10U);
  const auto& second = dests.at(dest_key_of(ep("10.0.1.12:80"))).attrs;
  EXPECT_EQ(second.fwd, ipvs::forwarding::tunnel);
  EXPECT_EQ(second.tun_type, ipvs::tunnel_type::ipip);
  const auto& marked = d.services.at(service_key_of(cfg.virtual_servers[1])).dests;
  ASSERT_EQ(marked.size(), 1U);
  EXPECT_EQ(marked.begin()->first.port, 0);
  // on_failure = drain (the default) drains; remove does not.
  EXPECT_EQ(d.drained, ipvs::ownership{service_key_of(cfg.virtual_servers[0])});
  EXPECT_TRUE(d.drain_only.empty());
}

TEST(desired_table, FailedServerUnderDrainLeavesThroughTheTracker) {
  const auto cfg = load(web);
  auto h = up({{"10.0.1.11:8080", 3}});
  h.servers.push_back({ep("10.0.1.12:80"), 0, true});
  const auto d = build_desired(cfg, {{"web", h}}, overrides{});
  const auto& dests = d.services.at(service_key_of(cfg.virtual_servers[0])).dests;
  EXPECT_EQ(dests.size(), 1U);
  EXPECT_EQ(dests.count(dest_key_of(ep("10.0.1.12:80"))), 0U);
}

TEST(desired_table, SorryServerAloneWhileQuorumIsLost) {
  const auto cfg = load(web);
  hc::desired_service lost;
  lost.quorum = false;
  lost.sorry_active = true;
  const auto d = build_desired(cfg, {{"web", lost}}, overrides{});
  const auto& dests = d.services.at(service_key_of(cfg.virtual_servers[0])).dests;
  ASSERT_EQ(dests.size(), 1U);
  EXPECT_EQ(dests.begin()->first, dest_key_of(ep("10.0.1.250:80")));
  EXPECT_EQ(dests.begin()->second.attrs.weight, 1U);
  // A service without health information has no destinations but is still owned.
  EXPECT_TRUE(d.services.at(service_key_of(cfg.virtual_servers[1])).dests.empty());
}

// keepalived's inhibit_on_failure: failed servers stay at weight 0, beside the sorry server too,
// and an operator's weight override does not bring one back.
TEST(desired_table, InhibitKeepsFailedServersAtWeightZero) {
  std::string text = web;
  text.replace(text.find("sorry_server"), 0, "on_failure = \"inhibit\"\n");
  const auto cfg = load(text);
  EXPECT_EQ(cfg.virtual_servers[0].on_failure, config::failure_action::inhibit);
  auto h = up({{"10.0.1.11:8080", 3}});
  h.servers.push_back({ep("10.0.1.12:80"), 0, false, true});
  overrides o;
  o.set({"web", ep("10.0.1.12:80")}, {override_kind::weight, 7});
  auto d = build_desired(cfg, {{"web", h}}, o);
  const auto key = service_key_of(cfg.virtual_servers[0]);
  EXPECT_EQ(d.services.at(key).dests.at(dest_key_of(ep("10.0.1.12:80"))).attrs.weight, 0U);
  EXPECT_EQ(d.drained.count(key), 0U);

  hc::desired_service lost;
  lost.sorry_active = true;
  d = build_desired(cfg, {{"web", lost}}, overrides{});
  const auto& dests = d.services.at(key).dests;
  ASSERT_EQ(dests.size(), 3U);
  EXPECT_EQ(dests.at(dest_key_of(ep("10.0.1.250:80"))).attrs.weight, 1U);
  EXPECT_EQ(dests.at(dest_key_of(ep("10.0.1.11:8080"))).attrs.weight, 0U);
  EXPECT_EQ(dests.at(dest_key_of(ep("10.0.1.12:80"))).attrs.weight, 0U);
}

TEST(desired_table, OverridesDrainAndWeight) {
  const auto cfg = load(web);
  overrides o;
  o.set({"web", ep("10.0.1.11:8080")}, {override_kind::weight, 7});
  o.set({"web", ep("10.0.1.12:80")}, {override_kind::drain, 0});
  const auto d = build_desired(cfg, {{"web", up({{"10.0.1.11:8080", 3}, {"10.0.1.12:80", 1}})}}, o);
  const auto& dests = d.services.at(service_key_of(cfg.virtual_servers[0])).dests;
  ASSERT_EQ(dests.size(), 1U);
  EXPECT_EQ(dests.at(dest_key_of(ep("10.0.1.11:8080"))).attrs.weight, 7U);
}

TEST(desired_table, DrainOnRemoveServiceDrainsOnlyTheOperatorsServer) {
  const auto cfg = load(web);
  const auto key = service_key_of(cfg.virtual_servers[1]);
  overrides o;
  o.set({"marked", ep("[2001:db8::11]:0")}, {override_kind::drain, 0});
  // ::12 failed (remove policy: gone from the desired set), ::11 drained by the operator.
  const auto d = build_desired(cfg, {{"marked", up({{"[2001:db8::11]:0", 1}})}}, o);
  EXPECT_EQ(d.drained.count(key), 1U);
  ASSERT_EQ(d.drain_only.count(key), 1U);
  EXPECT_EQ(d.drain_only.at(key), std::set<ipvs::dest_key>{dest_key_of(ep("[2001:db8::11]:0"))});

  ipvs::table kernel;
  kernel[key].dests[dest_key_of(ep("[2001:db8::11]:0"))] = {};
  kernel[key].dests[dest_key_of(ep("[2001:db8::12]:0"))] = {};
  const auto view = ipvs::drain_view(kernel, d);
  EXPECT_EQ(view.at(key).dests.size(), 1U);
  EXPECT_EQ(view.at(key).dests.count(dest_key_of(ep("[2001:db8::11]:0"))), 1U);
}

// keepalived's virtual_server_group: every entry point of the service is a service of its own in
// IPVS holding the same destinations, owned, drained and drained-only alike.
TEST(desired_table, EveryEntryPointOfAGroupHoldsTheSameServers) {
  const auto cfg = load(R"(
[[virtual_server]]
name = "web"
address = ["192.0.2.10:80", "192.0.2.11:80", "192.0.2.12:80"]
on_failure = "remove"
[[virtual_server.real_server]]
address = "10.0.1.11:8080"
[[virtual_server.real_server]]
address = "10.0.1.12:8080"

[[virtual_server]]
name = "marked"
fwmark = [5, 6]
forwarding = "dr"
[[virtual_server.real_server]]
address = "10.0.1.21"
)");
  const auto keys = service_keys_of(cfg.virtual_servers[0]);
  ASSERT_EQ(keys.size(), 3U);
  EXPECT_EQ(keys[2], ipvs::service_key::inet(ipvs::protocol::tcp, ep("192.0.2.12:80")));
  EXPECT_EQ(service_keys_of(cfg.virtual_servers[1]),
            (std::vector<ipvs::service_key>{ipvs::service_key::mark(ipvs::address_family::ipv4, 5),
                                            ipvs::service_key::mark(ipvs::address_family::ipv4, 6)}));
  overrides o;
  o.set({"web", ep("10.0.1.12:8080")}, {override_kind::drain, 0});
  const auto d = build_desired(
      cfg, {{"web", up({{"10.0.1.11:8080", 4}, {"10.0.1.12:8080", 1}})}, {"marked", up({{"10.0.1.21:0", 2}})}}, o);
  EXPECT_EQ(d.services.size(), 5U);
  EXPECT_EQ(d.owned.size(), 5U);
  for (const auto& k : keys) {
    const auto& dests = d.services.at(k).dests;
    ASSERT_EQ(dests.size(), 1U) << ipvs::to_string(k);
    EXPECT_EQ(dests.at(dest_key_of(ep("10.0.1.11:8080"))).attrs.weight, 4U);
    EXPECT_EQ(d.drain_only.at(k), std::set<ipvs::dest_key>{dest_key_of(ep("10.0.1.12:8080"))});
  }
  for (const auto& k : service_keys_of(cfg.virtual_servers[1])) {
    EXPECT_EQ(d.services.at(k).dests.at(dest_key_of(ep("10.0.1.21:0"))).attrs.weight, 2U);
    EXPECT_EQ(d.drained.count(k), 1U);  // on_failure = drain
  }
}

TEST(overrides, FindServersNamesTheProblem) {
  const auto cfg = load(web);
  EXPECT_EQ(find_servers(cfg, "10.0.1.99:80", std::nullopt).error(), "no real server 10.0.1.99:80 in any service");
  EXPECT_EQ(find_servers(cfg, "10.0.1.11:8080", std::string("nope")).error(), "no virtual server 'nope'");
  EXPECT_EQ(find_servers(cfg, "10.0.1.11:8080", std::string("marked")).error(),
            "no real server 10.0.1.11:8080 in service 'marked'");
  EXPECT_NE(find_servers(cfg, "bogus", std::nullopt).error().find("'bogus' is not"), std::string::npos);
  const auto found = find_servers(cfg, "2001:db8::12", std::nullopt);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->size(), 1U);
  EXPECT_EQ(found->at(0).service, "marked");
}

TEST(overrides, PruneDropsServersThatLeftTheConfig) {
  const auto cfg = load(web);
  overrides o;
  o.set({"web", ep("10.0.1.11:8080")}, {override_kind::drain, 0});
  o.set({"web", ep("10.0.1.13:8080")}, {override_kind::drain, 0});
  o.set({"gone", ep("10.0.1.11:8080")}, {override_kind::weight, 2});
  const auto dropped = o.prune(cfg);
  EXPECT_EQ(dropped.size(), 2U);
  EXPECT_EQ(o.entries().size(), 1U);
  EXPECT_TRUE(o.any_drain("web"));
}

}  // namespace
}  // namespace lbd::daemon

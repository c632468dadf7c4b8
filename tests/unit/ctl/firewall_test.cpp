// SPDX-License-Identifier: GPL-2.0-or-later
// The firewall model: what nft and iptables-save print, and whether VRRP or a health check passes.
// data/nft-ruleset.{json,txt} were printed by nft 1.0.6 for a ruleset loaded into a namespace.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "ctl/doctor/firewall_parse.hpp"

namespace lbd::ctl::doctor::firewall {
namespace {

std::string read(const std::string& name) {
  std::ifstream in(std::string(LBD_CTL_TEST_DATA) + "/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

ip_address ip(const char* a) { return boost::asio::ip::make_address(a); }

packet vrrp_in(const char* ifname, int family = 4) {
  packet p;
  p.family = family;
  p.l4proto = 112;
  p.iif = ifname;
  p.daddr = ip(family == 4 ? "224.0.0.18" : "ff02::12");
  return p;
}

packet check_syn(const char* address, std::uint16_t port) {
  packet p;
  p.where = hook::output;
  p.l4proto = 6;
  p.daddr = ip(address);
  p.dport = port;
  return p;
}

class nft_listing : public ::testing::Test {
 protected:
  void SetUp() override {
    auto parsed = parse_nft(read("nft-ruleset.json"), read("nft-ruleset.txt"));
    ASSERT_TRUE(parsed.has_value()) << parsed.error();
    rules_ = *parsed;
  }
  ruleset rules_;
};

TEST_F(nft_listing, ReadsChainsHooksPoliciesAndRuleTexts) {
  ASSERT_EQ(rules_.chains.size(), 4U);
  EXPECT_EQ(rules_.chains[0].name, "input");
  EXPECT_EQ(rules_.chains[0].base, hook::input);
  EXPECT_EQ(rules_.chains[0].policy, verdict::drop);
  EXPECT_EQ(rules_.chains[1].name, "allow_vrrp");
  EXPECT_EQ(rules_.chains[1].base, hook::none);
  EXPECT_EQ(rules_.chains[3].family, "ip6");
  EXPECT_EQ(rules_.chains[3].priority, 10);
  ASSERT_EQ(rules_.chains[0].rules.size(), 6U);
  EXPECT_EQ(rules_.chains[0].rules[3].text, "iifname \"eth1\" meta l4proto vrrp drop (handle 8)");
}

TEST_F(nft_listing, VrrpAcceptedThroughAJumpOnItsInterface) { EXPECT_FALSE(find_block(rules_, vrrp_in("eth0"))); }

TEST_F(nft_listing, VrrpDroppedByAnExplicitRule) {
  auto p = vrrp_in("eth1");
  p.saddr = ip("10.0.0.9");  // not in the named set @trusted
  auto b = find_block(rules_, p);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->where, "nft table inet filter chain input");
  EXPECT_EQ(b->rule, "iifname \"eth1\" meta l4proto vrrp drop (handle 8)");
  EXPECT_TRUE(b->certain);
  // From an unknown peer (multicast), @trusted might have accepted it first.
  auto unknown_peer = find_block(rules_, vrrp_in("eth1"));
  ASSERT_TRUE(unknown_peer);
  EXPECT_FALSE(unknown_peer->certain);
}

TEST_F(nft_listing, VrrpFromATrustedPeerIsAccepted) {
  auto p = vrrp_in("eth1");
  p.saddr = ip("10.0.0.7");
  EXPECT_FALSE(find_block(rules_, p));
}

TEST_F(nft_listing, VrrpOnAnotherInterfaceFallsToThePolicy) {
  auto b = find_block(rules_, vrrp_in("eth2"));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->rule, "policy drop");
}

TEST_F(nft_listing, Ipv6VrrpIsNotMatchedByIpv4RulesAndFallsToThePolicy) {
  auto b = find_block(rules_, vrrp_in("eth0", 6));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->where, "nft table inet filter chain input");
  EXPECT_EQ(b->rule, "policy drop");
}

TEST_F(nft_listing, HealthChecksRejectedOnTheWayOut) {
  auto b = find_block(rules_, check_syn("10.0.1.11", 8080));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->where, "nft table inet filter chain output");
  EXPECT_EQ(b->rule, "ip daddr 10.0.1.0/24 tcp dport { 8080, 8443 } reject with tcp reset (handle 13)");
  EXPECT_FALSE(find_block(rules_, check_syn("10.0.1.11", 80)));
  ASSERT_TRUE(find_block(rules_, check_syn("10.0.2.12", 1500)));
  EXPECT_FALSE(find_block(rules_, check_syn("10.0.2.12", 2001)));
  EXPECT_FALSE(find_block(rules_, check_syn("10.0.2.13", 1500)));
}

TEST_F(nft_listing, RepliesOfEstablishedConnectionsPass) {
  packet reply;
  reply.l4proto = 6;
  reply.saddr = ip("10.0.1.11");
  reply.sport = 8080;
  reply.ct_state = "established";
  EXPECT_FALSE(find_block(rules_, reply));
}

TEST(NftModel, ADropAfterARuleThatMightAcceptIsUncertain) {
  ruleset rs;
  chain c;
  c.source = "nft";
  c.family = "ip";
  c.table = "t";
  c.name = "in";
  c.base = hook::input;
  c.rules.push_back({{{"unknown", false, {}}}, verdict::accept, "", "limit rate 10/second accept"});
  c.rules.push_back({{{"l4proto", false, {"vrrp"}}}, verdict::drop, "", "ip protocol vrrp drop"});
  rs.chains.push_back(c);
  auto b = find_block(rs, vrrp_in("eth0"));
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->certain);
  // A drop whose own condition is unknown is never reported.
  rs.chains[0].rules[1].conditions.push_back({"unknown", false, {}});
  EXPECT_FALSE(find_block(rs, vrrp_in("eth0")));
}

TEST(NftModel, ChainsJumpingInCirclesEndUncertain) {
  ruleset rs;
  chain c;
  c.source = "nft";
  c.family = "inet";
  c.table = "t";
  c.name = "loop";
  c.base = hook::input;
  c.policy = verdict::drop;
  for (int i = 0; i < 20; ++i) c.rules.push_back({{}, verdict::jump, "loop", "jump loop"});
  rs.chains.push_back(c);
  auto b = find_block(rs, vrrp_in("eth0"));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->rule, "policy drop");
  EXPECT_FALSE(b->certain);
}

TEST(NftModel, RejectsWhatIsNotNftJson) {
  EXPECT_FALSE(parse_nft("not json", ""));
  EXPECT_FALSE(parse_nft(R"({"something": []})", ""));
  EXPECT_FALSE(parse_nft(R"({"nftables": [{"chain": {"family": 4, "table": "t", "name": "c"}}]})", ""));
  auto empty = parse_nft(R"({"nftables": [{"metainfo": {"version": "1.0.6"}}]})", "");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->chains.empty());
}

TEST(NftModel, ProtocolNames) {
  EXPECT_EQ(protocol_number("vrrp"), 112);
  EXPECT_EQ(protocol_number("112"), 112);
  EXPECT_EQ(protocol_number("tcp"), 6);
  EXPECT_EQ(protocol_number("ospf-ish"), -1);
  EXPECT_EQ(protocol_number("300"), -1);
}

class iptables_listing : public ::testing::Test {
 protected:
  void SetUp() override {
    auto parsed = parse_iptables_save(read("iptables-save.txt"), 4);
    ASSERT_TRUE(parsed.has_value()) << parsed.error();
    rules_ = *parsed;
  }
  ruleset rules_;
};

TEST_F(iptables_listing, OnlyTheFilterTable) {
  ASSERT_EQ(rules_.chains.size(), 4U);
  EXPECT_EQ(rules_.chains[0].name, "INPUT");
  EXPECT_EQ(rules_.chains[0].policy, verdict::drop);
  EXPECT_EQ(rules_.chains[3].base, hook::none);
}

TEST_F(iptables_listing, Vrrp) {
  EXPECT_FALSE(find_block(rules_, vrrp_in("eth0")));
  auto b = find_block(rules_, vrrp_in("eth1"));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->where, "iptables table ip filter chain INPUT");
  EXPECT_EQ(b->rule, "-A INPUT -i eth1 -p vrrp -m comment --comment \"no VRRP from the backend side\" -j DROP");
  EXPECT_TRUE(b->certain);
  auto policy = find_block(rules_, vrrp_in("eth2"));
  ASSERT_TRUE(policy);
  EXPECT_EQ(policy->rule, "policy drop");
  EXPECT_FALSE(find_block(rules_, vrrp_in("eth0", 6))) << "an IPv4 table does not see IPv6";
}

TEST_F(iptables_listing, HealthChecks) {
  auto b = find_block(rules_, check_syn("10.0.1.11", 8443));
  ASSERT_TRUE(b);
  EXPECT_NE(b->rule.find("REJECT"), std::string::npos);
  EXPECT_FALSE(find_block(rules_, check_syn("10.0.1.11", 80)));
  EXPECT_TRUE(find_block(rules_, check_syn("192.0.2.1", 9050)));
  EXPECT_FALSE(find_block(rules_, check_syn("10.9.9.9", 9050))) << "negated destination";
}

TEST(IptablesModel, RefusesGarbage) {
  EXPECT_FALSE(parse_iptables_save("*filter\nthis is not a rule\n", 4));
  EXPECT_FALSE(parse_iptables_save("*filter\n-A NOPE -j DROP\nCOMMIT\n", 4));
  auto empty = parse_iptables_save("", 4);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->chains.empty());
}

}  // namespace
}  // namespace lbd::ctl::doctor::firewall

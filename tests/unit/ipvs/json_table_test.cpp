// SPDX-License-Identifier: GPL-2.0-or-later
#include "ipvs/json_table.hpp"

#include <gtest/gtest.h>

#include "helpers.hpp"

namespace lbd::ipvs {
namespace {

using namespace test;

TEST(json_table, reads_every_field) {
  auto t = table_from_json(R"({"services": [
    {"protocol": "tcp", "address": "192.0.2.10:80", "scheduler": "wlc", "flags": ["persistent"], "timeout": 300,
     "netmask": "255.255.255.0",
     "destinations": [{"address": "10.0.1.11:8080", "forwarding": "masq", "weight": 3, "u_threshold": 100,
                       "l_threshold": 10},
                      {"address": "[2001:db8::21]:8080", "forwarding": "tunnel", "tun_type": "gue",
                       "tun_port": 6080, "tun_flags": ["csum", "remcsum"]}]},
    {"protocol": "udp", "address": "[2001:db8::10]:53", "scheduler": "sh", "flags": ["sh-port", "sh-fallback", "one-packet"],
     "netmask": 64, "pe": "sip"},
    {"fwmark": 5, "family": "ipv6", "scheduler": "mh", "flags": ["mh-port"]}
  ]})");
  ASSERT_TRUE(t) << t.error();
  ASSERT_EQ(t->size(), 3U);
  const service& web = t->at(tcp("192.0.2.10:80"));
  EXPECT_EQ(web.attrs.flags, svc_flag::persistent);
  EXPECT_EQ(web.attrs.timeout, 300U);
  EXPECT_EQ(web.attrs.netmask, std::optional<std::uint32_t>(0xffffff00U));
  EXPECT_EQ(web.dests.at(dk("10.0.1.11:8080")).attrs.u_threshold, 100U);
  const dest_attrs& tun = web.dests.at(dk("[2001:db8::21]:8080")).attrs;
  EXPECT_EQ(tun.fwd, forwarding::tunnel);
  EXPECT_EQ(tun.tun_type, tunnel_type::gue);
  EXPECT_EQ(tun.tun_port, 6080);
  EXPECT_EQ(tun.tun_flags, tun_flag::csum | tun_flag::remcsum);
  const service& dns = t->at(udp("[2001:db8::10]:53"));
  EXPECT_EQ(dns.attrs.flags, svc_flag::sh_port | svc_flag::sh_fallback | svc_flag::one_packet);
  EXPECT_EQ(dns.attrs.netmask, std::optional<std::uint32_t>(64));
  EXPECT_EQ(dns.attrs.pe_name, "sip");
  EXPECT_EQ(t->at(fwm(5, address_family::ipv6)).attrs.flags, svc_flag::mh_port);
}

TEST(json_table, round_trips) {
  auto t = table_from_json(R"({"services": [
    {"protocol": "sctp", "address": "192.0.2.20:9000", "scheduler": "wrr", "flags": ["flag-1", "flag-3"],
     "destinations": [{"address": "10.0.1.11:9000", "forwarding": "droute", "weight": 0}]},
    {"fwmark": 9, "scheduler": "rr", "flags": ["persistent"], "timeout": 60, "netmask": "255.255.0.0",
     "destinations": [{"address": "10.0.1.12:0", "forwarding": "local"}]}]})");
  ASSERT_TRUE(t) << t.error();
  auto back = table_from_json(table_to_json(*t, true));
  ASSERT_TRUE(back) << back.error();
  ASSERT_EQ(back->size(), t->size());
  for (const auto& [k, s] : *t) {
    ASSERT_EQ(back->count(k), 1U);
    EXPECT_EQ(back->at(k).attrs, s.attrs);
    ASSERT_EQ(back->at(k).dests.size(), s.dests.size());
    for (const auto& [dkey, d] : s.dests) EXPECT_EQ(back->at(k).dests.at(dkey).attrs, d.attrs);
  }
}

TEST(json_table, bad_input_gets_a_clear_error) {
  const std::vector<std::pair<const char*, const char*>> cases{
      {"{", "bad JSON"},
      {R"({"servics": []})", "unknown key 'servics'"},
      {R"({"services": [{"protocol": "icmp", "address": "1.2.3.4:1"}]})", "protocol must be tcp, udp or sctp"},
      {R"({"services": [{"protocol": "tcp", "address": "1.2.3.4:80", "flags": ["sh-port"]}]})",
       "flag 'sh-port' is unknown for scheduler wlc"},
      {R"({"services": [{"protocol": "tcp", "address": "1.2.3.4:80", "destinations": [{"address": "10.0.0.1:80", "forwarding": "nat", "tun_type": "gre"}]}]})",
       "need tunnel forwarding"},
      {R"({"services": [{"protocol": "tcp", "address": "1.2.3.4:80", "destinations": [{"address": "10.0.0.1:80", "weight": -1}]}]})",
       "'weight' must be an integer"},
      {R"({"services": [{"protocol": "tcp", "address": "1.2.3.4:80"}, {"protocol": "tcp", "address": "1.2.3.4:80"}]})",
       "listed twice"},
      {R"({"services": [{"fwmark": 0}]})", "fwmark must not be 0"},
      {R"({"services": [{"protocol": "tcp", "address": "[2001:db8::1]:80", "netmask": 129}]})", "prefix length"},
  };
  for (const auto& [in, want] : cases) {
    auto t = table_from_json(in);
    ASSERT_FALSE(t) << in;
    EXPECT_NE(t.error().find(want), std::string::npos) << t.error();
  }
}

}  // namespace
}  // namespace lbd::ipvs

// SPDX-License-Identifier: GPL-2.0-or-later
#include "ipvs/listing.hpp"

#include <gtest/gtest.h>

#include <cstdio>

#include "helpers.hpp"

namespace lbd::ipvs {
namespace {

using namespace test;

// printf with ipvsadm's own format strings (taken from ipvsadm 1.31), independent of fmt.
template <typename... A>
std::string c_format(const char* f, A... a) {
  char buf[512];
  std::snprintf(buf, sizeof buf, f, a...);
  return buf;
}

const info kinfo{0x010201, 4096};

TEST(listing, golden_plain_listing) {
  table t{{tcp("192.0.2.10:80"),
           svc(sched("wlc"), {{dk("10.0.1.11:8080"), w(3)}, {dk("10.0.1.12:8080"), w(1, forwarding::droute)}})}};
  t[tcp("192.0.2.10:80")].dests[dk("10.0.1.11:8080")].counters.active = 5;
  t[tcp("192.0.2.10:80")].dests[dk("10.0.1.11:8080")].counters.inactive = 2;
  const std::string expected =
      "IP Virtual Server version 1.2.1 (size=4096)\n"
      "Prot LocalAddress:Port Scheduler Flags\n"
      "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
      "TCP  192.0.2.10:80 wlc\n"
      "  -> 10.0.1.11:8080               Masq    3      5          2         \n"
      "  -> 10.0.1.12:8080               Route   1      0          0         \n";
  EXPECT_EQ(format_listing(t, kinfo), expected);
}

TEST(listing, empty_table_prints_the_headers) {
  EXPECT_EQ(format_listing({}, info{0x010201, 1048576}),
            "IP Virtual Server version 1.2.1 (size=1048576)\n"
            "Prot LocalAddress:Port Scheduler Flags\n"
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
}

struct line_case {
  service_key key;
  service_attrs attrs;
  std::string line;
};

TEST(listing, service_lines_match_ipvsadm) {
  service_attrs pers = sched("wlc", svc_flag::persistent);
  pers.timeout = 300;
  pers.netmask = 0xffffff00U;
  service_attrs pers_full = sched("rr", svc_flag::persistent);
  pers_full.timeout = 360;
  service_attrs pers6 = sched("rr", svc_flag::persistent);
  pers6.timeout = 60;
  pers6.netmask = 64;
  pers6.pe_name = "sip";
  const std::vector<line_case> cases{
      {tcp("192.0.2.10:80"), sched("wlc"), "TCP  192.0.2.10:80 wlc"},
      {tcp("192.0.2.10:80"), pers, "TCP  192.0.2.10:80 wlc persistent 300 mask 255.255.255.0"},
      {tcp("192.0.2.10:80"), pers_full, "TCP  192.0.2.10:80 rr persistent 360"},
      {udp("192.0.2.10:53"), sched("sh", svc_flag::sh_fallback | svc_flag::sh_port),
       "UDP  192.0.2.10:53 sh (sh-fallback,sh-port)"},
      {udp("192.0.2.10:53"), sched("rr", svc_flag::one_packet), "UDP  192.0.2.10:53 rr ops"},
      {sctp("192.0.2.20:9000"), sched("mh", svc_flag::mh_fallback), "SCTP 192.0.2.20:9000 mh (mh-fallback)"},
      {sctp("192.0.2.20:9000"), sched("mh", svc_flag::mh_port), "SCTP 192.0.2.20:9000 mh (mh-port)"},
      {tcp("192.0.2.10:80"), sched("wrr", svc_flag::sched1 | svc_flag::sched3),
       "TCP  192.0.2.10:80 wrr (flag-1,flag-3)"},
      {fwm(5), sched("rr"), "FWM  5 rr"},
      {fwm(7, address_family::ipv6), sched("wlc"), "FWM  7 IPv6 wlc"},
      {tcp("[2001:db8::10]:443"), pers6, "TCP  [2001:db8::10]:443 rr persistent 60 mask 64 pe sip"},
  };
  for (const auto& c : cases) {
    const table t{{c.key, svc(c.attrs)}};
    const std::string out = format_listing(t, kinfo);
    const auto last = out.substr(out.rfind('\n', out.size() - 2) + 1);
    EXPECT_EQ(last, c.line + "\n");
  }
}

TEST(listing, destination_lines_use_ipvsadm_format) {
  table t{{tcp("[2001:db8::10]:443"), svc(sched("rr"), {{dk("[2001:db8::11]:8443"), w(250, forwarding::tunnel)},
                                                        {dk("10.0.1.99:8443"), w(0, forwarding::local)}})}};
  t.begin()->second.dests[dk("10.0.1.99:8443")].counters.active = 4000000000U;
  const std::string out = format_listing(t, kinfo);
  EXPECT_NE(out.find(c_format("  -> %-28s %-7s %-6d %-10u %-10u\n", "10.0.1.99:8443", "Local", 0, 4000000000U, 0U)),
            std::string::npos)
      << out;
  EXPECT_NE(out.find(c_format("  -> %-28s %-7s %-6d %-10u %-10u\n", "[2001:db8::11]:8443", "Tunnel", 250, 0U, 0U)),
            std::string::npos)
      << out;
}

TEST(listing, stats_and_rate_formats) {
  table t{{tcp("192.0.2.10:80"), svc(sched("wlc"), {{dk("10.0.1.11:8080"), w(1)}})}};
  auto& s = t.begin()->second;
  s.stats = stats{8, 40, 32, 123456789, 200000000000ULL, 3, 20, 16, 1500, 99};
  s.dests.begin()->second.counters.stats = stats{6, 30, 24, 2048, 4096, 2, 10, 8, 800, 400};
  const std::string st = format_listing(t, kinfo, listing_format::stats);
  const std::string expected_stats =
      "IP Virtual Server version 1.2.1 (size=4096)\n" +
      c_format("%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n", "Prot LocalAddress:Port", "Conns", "InPkts",
               "OutPkts", "InBytes", "OutBytes") +
      c_format("%-33s", "TCP  192.0.2.10:80") + c_format("%9llu%9llu%9llu", 8ULL, 40ULL, 32ULL) +
      c_format("%8lluK", 123456ULL) + c_format("%8lluG", 200ULL) + "\n" + c_format("  -> %-28s", "10.0.1.11:8080") +
      c_format("%9llu%9llu%9llu%9llu%9llu\n", 6ULL, 30ULL, 24ULL, 2048ULL, 4096ULL);
  EXPECT_EQ(st, expected_stats);

  const std::string rt = format_listing(t, kinfo, listing_format::rate);
  const std::string expected_rate = "IP Virtual Server version 1.2.1 (size=4096)\n" +
                                    c_format("%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n",
                                             "Prot LocalAddress:Port", "CPS", "InPPS", "OutPPS", "InBPS", "OutBPS") +
                                    c_format("%-33s", "TCP  192.0.2.10:80") +
                                    c_format("%9llu%9llu%9llu%9llu%9llu\n", 3ULL, 20ULL, 16ULL, 1500ULL, 99ULL) +
                                    c_format("  -> %-28s %8llu %8llu %8llu", "10.0.1.11:8080", 2ULL, 10ULL, 8ULL) +
                                    c_format("%9llu%9llu\n", 800ULL, 400ULL);
  EXPECT_EQ(rt, expected_rate);
}

TEST(listing, largenum_suffixes) {
  EXPECT_EQ(format_largenum(0), "        0");
  EXPECT_EQ(format_largenum(99999999), " 99999999");
  EXPECT_EQ(format_largenum(100000000), "  100000K");
  EXPECT_EQ(format_largenum(1000000000), "    1000M");
  EXPECT_EQ(format_largenum(100000000000ULL), "     100G");
  EXPECT_EQ(format_largenum(100000000000000ULL), "     100T");
}

TEST(listing, services_sorted_like_ipvsadm) {
  table t{{fwm(1), svc(sched("rr"))},
          {udp("192.0.2.1:53"), svc(sched("rr"))},
          {tcp("[2001:db8::1]:80"), svc(sched("rr"))},
          {tcp("192.0.2.2:80"), svc(sched("rr"))},
          {tcp("192.0.2.1:443"), svc(sched("rr"))}};
  const std::string out = format_listing(t, kinfo);
  const auto pos = [&out](const char* s) { return out.find(s); };
  EXPECT_LT(pos("TCP  192.0.2.1:443"), pos("TCP  192.0.2.2:80"));
  EXPECT_LT(pos("TCP  192.0.2.2:80"), pos("UDP  192.0.2.1:53"));
  EXPECT_LT(pos("UDP  192.0.2.1:53"), pos("TCP  [2001:db8::1]:80"));
  EXPECT_LT(pos("TCP  [2001:db8::1]:80"), pos("FWM  1"));
}

}  // namespace
}  // namespace lbd::ipvs

// SPDX-License-Identifier: GPL-2.0-or-later
#include "ipvs/conn_table.hpp"

#include <gtest/gtest.h>

namespace lbd::ipvs {
namespace {

// As Linux prints it (ip_vs_conn_seq_show): header, an IPv4 row, an IPv6 row, a row with PE data.
constexpr std::string_view kernel_text =
    "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n"
    "TCP C0000201 CDE6 C000020A 0050 0A00010B 1F90 ESTABLISHED     897\n"
    "UDP 2001:0db8:0000:0000:0000:0000:0000:0001 0035 "
    "2001:0db8:0000:0000:0000:0000:0000:000a 0035 2001:0db8:0000:0000:0000:0000:0001:000b 0035 UDP       "
    "        5\n"
    "UDP C0000202 13C4 C000020A 13C4 0A00010C 13C4 UDP             179 sip    abc@example\n";

TEST(ConnTable, ParsesTheKernelsFormat) {
  auto t = parse_conn_table(kernel_text);
  EXPECT_TRUE(t.errors.empty()) << t.errors.front();
  ASSERT_EQ(t.rows.size(), 3U);
  const auto& a = t.rows[0];
  EXPECT_EQ(a.proto, "TCP");
  EXPECT_EQ(to_string(a.client), "192.0.2.1:52710");
  EXPECT_EQ(to_string(a.virtual_address), "192.0.2.10:80");
  EXPECT_EQ(to_string(a.destination), "10.0.1.11:8080");
  EXPECT_EQ(a.state, "ESTABLISHED");
  EXPECT_EQ(a.expires, 897U);
  EXPECT_EQ(to_string(t.rows[1].virtual_address), "[2001:db8::a]:53");
  EXPECT_EQ(to_string(t.rows[1].destination), "[2001:db8::1:b]:53");
  EXPECT_EQ(t.rows[2].pe_name, "sip");
  EXPECT_EQ(t.rows[2].pe_data, "abc@example");
}

TEST(ConnTable, SyncTableHasAnOrigin) {
  auto t = parse_conn_table(
      "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Origin Expires\n"
      "TCP C0000201 CDE6 C000020A 0050 0A00010B 1F90 ESTABLISHED SYNC       42\n");
  ASSERT_EQ(t.rows.size(), 1U);
  EXPECT_EQ(t.rows[0].origin, "SYNC");
  EXPECT_EQ(t.rows[0].expires, 42U);
}

TEST(ConnTable, BadLinesAreReportedNotGuessed) {
  auto t = parse_conn_table(
      "TCP C0000201 CDE6 C000020A 0050 0A00010B 1F90 ESTABLISHED\n"
      "TCP C00002 CDE6 C000020A 0050 0A00010B 1F90 ESTABLISHED 1\n"
      "TCP C0000201 CDE6 C000020A 0050 0A00010B 1F90 ESTABLISHED -1\n"
      "TCP C0000201 CDE6 C000020A 0050 0A00010B 1F90 ESTABLISHED 7\n"
      "TCP C0000201 CDE6 C000020A 0050 0A00010B 1F90 ESTABLISH\xff 7\n");
  ASSERT_EQ(t.rows.size(), 1U);
  EXPECT_EQ(t.rows[0].expires, 7U);
  ASSERT_EQ(t.errors.size(), 4U);
  EXPECT_EQ(t.errors[3], "line 5: not printable ASCII");
  EXPECT_EQ(t.errors[0], "line 1: 8 fields");
  EXPECT_EQ(t.errors[1], "line 2: bad address or port");
  EXPECT_EQ(t.errors[2], "line 3: bad expiry");
}

TEST(ConnTable, FormatsLikeIpvsadm) {
  auto t = parse_conn_table(kernel_text);
  t.rows.resize(1);
  EXPECT_EQ(format_connections(t.rows),
            "IPVS connection entries\n"
            "pro expire state       source             virtual            destination\n"
            "TCP 14:57  ESTABLISHED 192.0.2.1:52710    192.0.2.10:80      10.0.1.11:8080\n");
}

TEST(ConnTable, FilterByServiceAndJson) {
  auto t = parse_conn_table(kernel_text);
  table kernel;
  auto rows =
      connections_of(t.rows, service_key::inet(protocol::tcp, {ip_address::from_string("192.0.2.10"), 80}), kernel);
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0].proto, "TCP");
  EXPECT_TRUE(
      connections_of(t.rows, service_key::inet(protocol::udp, {ip_address::from_string("192.0.2.10"), 80}), kernel)
          .empty());
  // A firewall-mark service: the connections to its real servers.
  auto mark = service_key::mark(address_family::ipv4, 7);
  kernel[mark].dests[dest_key{ip_address::from_string("10.0.1.12"), 5060}] = dest{};
  rows = connections_of(t.rows, mark, kernel);
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0].pe_name, "sip");
  auto j = connections_to_json(rows);
  EXPECT_EQ(j[0]["destination"], "10.0.1.12:5060");
  EXPECT_EQ(j[0]["expires_s"], 179);
  EXPECT_EQ(j[0]["state"], "UDP");
}

}  // namespace
}  // namespace lbd::ipvs

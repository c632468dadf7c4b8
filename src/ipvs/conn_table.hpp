// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The kernel's IPVS connection table. Netlink has no dump of connections: ipvsadm -Lnc reads
// /proc/net/ip_vs_conn, and so does lbctl. The kernel prints (net/netfilter/ipvs/ip_vs_conn.c)
//   Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData
//   TCP C0A80001 CDE6 0A000001 0050 0A000002 0050 ESTABLISHED     897
// with IPv4 addresses as 8 hex digits in host order, IPv6 ones as %pI6 (eight groups of four hex
// digits), ports as 4 hex digits, and " PENAME PEDATA" when a persistence engine is used.
// /proc/net/ip_vs_conn_sync has an "Origin" column (LOCAL or SYNC) before Expires and no PE data.
// Pure: text in, rows out; text out.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/address.hpp"
#include "ipvs/model.hpp"

namespace lbd::ipvs {

struct connection {
  std::string proto;  // as the kernel names it: TCP, UDP, SCTP, AH, ESP, IP
  endpoint client;
  endpoint virtual_address;
  endpoint destination;
  std::string state;     // ESTABLISHED, SYN_RECV, FIN_WAIT, UDP, ...
  unsigned expires = 0;  // seconds
  std::string origin;    // ip_vs_conn_sync only: LOCAL or SYNC
  std::string pe_name;   // persistence engine, e.g. sip
  std::string pe_data;
  friend bool operator==(const connection&, const connection&) = default;
};

struct conn_table {
  std::vector<connection> rows;
  std::vector<std::string> errors;  // "line N: why" for lines that were not understood
};

conn_table parse_conn_table(std::string_view text);

// Like `ipvsadm -Lnc`: "IPVS connection entries", a header, one line per connection.
std::string format_connections(const std::vector<connection>& rows);

// The connections of one service. An address service matches on protocol, virtual address and port;
// a firewall-mark service (whose mark the table does not show) on the real servers `t` gives it.
std::vector<connection> connections_of(const std::vector<connection>& rows, const service_key& k, const table& t);

nlohmann::json connections_to_json(const std::vector<connection>& rows);

}  // namespace lbd::ipvs

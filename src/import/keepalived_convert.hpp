// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Shared state of the keepalived.conf conversion: the VRRP part and the virtual-server part.
// Every keyword met either converts to the same behaviour or is reported, with its file:line, as
// "refused" (dropped: lbd.conf cannot say it) or "changed" (converted, but lbd behaves differently).
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "import/keepalived_tree.hpp"

namespace lbd::import {

struct kad_context {
  std::string out;
  std::vector<std::string> not_converted;            // "refused: f:12: kw: why", "changed: f:40: kw: why"
  int default_version = 2;                           // keepalived's default VRRP version
  std::string default_garp_refresh;                  // global_defs vrrp_garp_master_refresh
  std::string default_garp_repeat;                   // global_defs vrrp_garp_master_repeat
  std::string default_garp_master_delay;             // global_defs vrrp_garp_master_delay
  bool strict = false;                               // global_defs vrrp_strict
  std::map<std::string, const kad_node*> scripts;    // vrrp_script by name
  std::map<std::string, std::string> sync_group_of;  // vrrp_instance name -> group name
  std::string sync_group_tables;                     // [[sync_group]] tables of the groups with hooks
  std::map<std::string, const kad_node*> vs_groups;  // virtual_server_group by name

  void refuse(const kad_node& n, const std::string& why) {
    not_converted.push_back("refused: " + n.where() + ": " + n.keyword + ": " + why);
  }
  void change(const kad_node& n, const std::string& why) {
    not_converted.push_back("changed: " + n.where() + ": " + n.keyword + ": " + why);
  }
  // The first argument, or a note and "" when it is missing.
  std::string arg(const kad_node& n, std::size_t i = 0) {
    if (i < n.args.size()) return n.args[i];
    refuse(n, "value missing");
    return {};
  }
};

// "ip:port" or "[ipv6]:port" (only the address when port is empty), as lbd.conf writes endpoints.
std::string endpoint_text(const std::string& ip, const std::string& port);

void convert_vrrp_instance(kad_context& ctx, const kad_node& n);
// A vrrp_instance's virtual_routes / virtual_rules block as lbd.conf lines ("" when nothing
// converts); every line that does not is refused with its reason.
std::string convert_virtual_routes(kad_context& ctx, const kad_node& block);
std::string convert_virtual_rules(kad_context& ctx, const kad_node& block);
// notify_master / _backup / _fault / _stop / notify of an instance or a sync group: appended to
// `out` as (lbd notify key, command array); false when `c` is none of them.
bool read_notify_hook(const kad_node& c, std::vector<std::pair<std::string, std::string>>& out);
// `notify = { ..., arguments = "keepalived" }` with its newline.
std::string notify_line(std::vector<std::pair<std::string, std::string>> hooks);
void convert_virtual_server(kad_context& ctx, const kad_node& n);
// An entry point as the arguments of a `virtual_server` line: {"IP", "PORT"} or {"fwmark", "N"}.
using entry_point = std::vector<std::string>;
// One lbd service named `name` from the body of the keepalived virtual_server `n`, with its entry
// points `entries` (one, or a group's of one kind and port).
void convert_service(kad_context& ctx, const kad_node& n, const std::vector<entry_point>& entries,
                     const std::string& name);
// The `protocol` of a virtual_server, lower case; tcp when not given.
std::string service_protocol(const kad_node& n);
// `virtual_server group NAME`: one [[virtual_server]] per address of the group (keepalived_group.cpp).
void convert_virtual_server_group(kad_context& ctx, const kad_node& n);

// One checker block of a real server as a lbd check table; "" when lbd has no such check.
// keepalived lets a virtual or real server set defaults for its checkers (check_data.c).
struct checker_defaults {
  std::string interval;     // delay_loop as a lbd duration
  std::string virtualhost;  // the virtual server's virtualhost
  bool alpha = false;
  std::string timeout;      // connect_timeout; "" = the checker's default
  std::string retry;        // "" = the checker's default
  std::string retry_delay;  // delay_before_retry; "" = the checker's default
};
// Reads a checker default (delay_loop, alpha, connect_timeout, retry, delay_before_retry) given on a
// virtual or real server; false when `n` is none of them.
bool read_checker_default(kad_context& ctx, const kad_node& n, checker_defaults& d);
std::string convert_checker(kad_context& ctx, const kad_node& c, const std::string& rs_ip,
                            const checker_defaults& defaults);

}  // namespace lbd::import

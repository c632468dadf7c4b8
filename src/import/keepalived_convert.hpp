// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Shared state of the keepalived.conf conversion: the VRRP part and the virtual-server part.
#include <map>
#include <string>
#include <vector>

#include "import/keepalived_tree.hpp"

namespace lbd::import {

struct kad_context {
  std::string out;
  std::vector<std::string> not_converted;
  int default_version = 2;                           // keepalived's default VRRP version
  std::map<std::string, const kad_node*> scripts;    // vrrp_script by name
  std::map<std::string, std::string> sync_group_of;  // vrrp_instance name -> group name

  void skip(const kad_node& n, const std::string& why) {
    not_converted.push_back(n.where() + ": " + n.keyword + ": " + why);
  }
  // The first argument, or a note and "" when it is missing.
  std::string arg(const kad_node& n, std::size_t i = 0) {
    if (i < n.args.size()) return n.args[i];
    not_converted.push_back(n.where() + ": " + n.keyword + ": value missing");
    return {};
  }
};

void convert_vrrp_instance(kad_context& ctx, const kad_node& n);
void convert_virtual_server(kad_context& ctx, const kad_node& n);

}  // namespace lbd::import

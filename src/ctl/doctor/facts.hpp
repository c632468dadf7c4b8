// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What `lbctl doctor` found on the director, gathered by gather.hpp and judged by rules.hpp.
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/address.hpp"
#include "ctl/doctor/firewall.hpp"

namespace lbd::ctl::doctor {

struct module_facts {
  std::string kernel_release;
  bool ipvs_in_kernel = false;       // /proc/net/ip_vs exists: ip_vs is loaded or built in
  std::set<std::string> loaded;      // /proc/modules ('-' written '_')
  bool modules_dir_present = false;  // /lib/modules/<release>
  std::set<std::string> available;   // in modules.dep of that directory
  std::set<std::string> builtin;     // in modules.builtin of that directory
  bool builtin_list_readable = false;
};

struct daemon_facts {
  bool reachable = false;
  std::string error;                              // why it is not, or why it refused to list its VRRP instances
  std::map<std::string, std::string> vrrp_state;  // instance -> "MASTER", "BACKUP", ...
};

struct interface_facts {
  bool present = false;
  std::vector<prefix> addresses;
};

struct probe_result {
  endpoint target;
  bool connected = false;
  std::string error;  // "connection refused", "no answer within 1s", ...
};

struct firewall_facts {
  bool inspected = false;             // some tool read the rules
  std::vector<std::string> problems;  // tools missing or failing
  firewall::ruleset rules;
};

struct facts {
  module_facts modules;
  std::map<std::string, std::string> sysctls;  // key -> value; absent: the kernel has no such key
  daemon_facts daemon;
  std::map<std::string, interface_facts> interfaces;  // every interface a [[vrrp]] names
  std::vector<probe_result> probes;
  firewall_facts firewall;
};

}  // namespace lbd::ctl::doctor

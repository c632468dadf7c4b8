// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What changed between two configurations, for reload: the daemon re-applies only what a diff
// names. Entities are matched by name (vrrp instances, virtual servers) and by service name plus
// address (real servers); `fields` are lbd.conf key names, e.g. "weight", "check", "address".
#include <string>
#include <vector>

#include "config/model.hpp"

namespace lbd::config {

enum class change_kind { added, removed, changed };

struct change {
  change_kind kind = change_kind::changed;
  std::string name;
  std::vector<std::string> fields;  // changed only; never "real_server" (see real_servers)
  friend bool operator==(const change&, const change&) = default;
};

struct real_server_change {
  change_kind kind = change_kind::changed;
  std::string service;
  endpoint address;
  std::vector<std::string> fields;
  friend bool operator==(const real_server_change&, const real_server_change&) = default;
};

struct config_diff {
  std::vector<std::string> global;  // changed keys of [global]
  std::vector<std::string> ipvs;    // "timeouts", "sync_daemon"
  std::vector<change> vrrp;
  std::vector<change> sync_groups;  // [[sync_group]] tables: their hooks change in place
  std::vector<change> anycast;      // [[anycast]] groups
  std::vector<change> virtual_servers;
  // Real servers of services present in both configurations; those of an added or removed service
  // come and go with it.
  std::vector<real_server_change> real_servers;

  [[nodiscard]] bool empty() const {
    return global.empty() && ipvs.empty() && vrrp.empty() && sync_groups.empty() && anycast.empty() &&
           virtual_servers.empty() && real_servers.empty();
  }
};

config_diff diff(const config& old_config, const config& new_config);

// A change of the service's identity in IPVS (address, port, protocol, fwmark, family): the kernel
// service must be deleted and re-created rather than edited.
bool changes_service_key(const change& c);

std::string_view to_string(change_kind k);

}  // namespace lbd::config

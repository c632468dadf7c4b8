// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The readers of each part of lbd.conf and the checks that span several parts. Internal to the
// loader: each returns the model plus where it came from, so later checks can point at the source.
#include <toml++/toml.h>

#include <optional>
#include <string>
#include <vector>

#include "config/diagnostic.hpp"
#include "config/model.hpp"
#include "config/reader.hpp"

namespace lbd::config::detail {

struct parsed_vrrp {
  vrrp_instance model;
  const toml::table* source = nullptr;
  bool name_ok = false;
  bool key_ok = false;  // interface, vrid and family were read: the duplicate check may use them
};

struct parsed_real_server {
  real_server model;
  const toml::table* source = nullptr;  // valid while the service's table is being read
  bool address_ok = false;
  // A dr or tun server of a fwmark service written with a port: IPVS holds it with port 0, the
  // port its checks probe unless they say otherwise.
  std::uint16_t probe_port = 0;
};

// Where a real server of model.real_servers came from, at the same index. The real servers go
// straight into the model: a second vector of them, moved over at the end, doubled the loader's peak.
struct real_server_source {
  position address;  // of its address value
  bool address_ok = false;
};

// Where the keys of a [[virtual_server]] that the cross-table checks point at are: the key's value,
// or the table when the key is absent. Positions, not the TOML table: a service's table is freed as
// soon as it is read, so the tree and the model of a large file are not both held whole.
struct service_positions {
  position name;
  position address;
  position fwmark;
  position vrrp;
  std::vector<position> entries;  // of each address or fwmark, the first one first
  position forwarding;
  position anycast;
  position scheduler;
  position on_failure;
};

struct parsed_virtual_server {
  virtual_server model;
  service_positions at;
  bool name_ok = false;
  bool key_ok = false;                           // address or fwmark (and family) were read
  std::vector<real_server_source> real_sources;  // one per model.real_servers entry
};

struct parsed_sync_group {
  sync_group_settings model;
  const toml::table* source = nullptr;
  bool name_ok = false;
};

struct parsed_anycast {
  anycast_group model;
  const toml::table* source = nullptr;
  bool name_ok = false;
};

struct parsed_config {
  global_settings global;
  ipvs_settings ipvs;
  const toml::table* sync_daemon_source = nullptr;
  std::vector<parsed_vrrp> vrrp;
  std::vector<parsed_sync_group> sync_groups;
  std::vector<parsed_anycast> anycast;
  std::vector<parsed_virtual_server> virtual_servers;
};

// Names of vrrp instances, services and track scripts: they appear in logs, metrics and lbctl.
bool valid_name(std::string_view name);
// The message for a name that breaks valid_name's rule.
std::string invalid_name_message(std::string_view name);
// Reads a section's "name" key by valid_name's rule, reporting what is wrong or missing. On success
// the reader's path becomes `kind[name]`, so every later message names the section.
std::optional<std::string> read_section_name(table_reader& r, std::string_view kind);
// Linux interface names: 1-15 bytes, no '/', ':' or whitespace.
bool valid_interface_name(std::string_view name);

// The account a program runs as, from `user_key`/`group_key` of `r`: each must exist on this
// system (so --check finds a typo before a script fails to start). With `group_needs_user`, a group
// alone is an error (a script's own account: the group belongs to a user).
void read_account(const table_reader& r, std::string_view user_key, std::string_view group_key, bool group_needs_user,
                  std::string& user, std::string& group);

global_settings read_global(diagnostic_sink& sink, const toml::node* node, const std::string& default_node_name);
ipvs_settings read_ipvs(diagnostic_sink& sink, const toml::node* node, const toml::table** sync_daemon_source);
parsed_vrrp read_vrrp(diagnostic_sink& sink, const toml::table& t, std::size_t index);
parsed_virtual_server read_virtual_server(diagnostic_sink& sink, const toml::table& t, std::size_t index);
parsed_sync_group read_sync_group(diagnostic_sink& sink, const toml::table& t, std::size_t index);
parsed_anycast read_anycast(diagnostic_sink& sink, const toml::table& t, std::size_t index);
// "virtual_ips" of a [[vrrp]] or [[anycast]]: the non-empty array, or nullptr once its absence (or
// that it is empty or no array) is reported.
const toml::array* virtual_ip_list(const table_reader& r);

// A check table. `base` (the service's default check) supplies every key the table leaves out;
// type-specific keys are inherited only when the type stays the same.
check_settings read_check(const value_reader& values, const toml::table& t, const std::string& path,
                          const check_settings* base);
// How many checks one real server may have.
inline constexpr std::size_t max_checks_per_server = 16;
// `check` of a service (base: none) or of a real server (base: the service's list): a table is one
// check (a server's overrides fields of the service's single check; the service having several is
// an error); an array of tables is several, all must pass, and replaces the service's list.
check_list read_check_list(const value_reader& values, const toml::node& n, const std::string& path,
                           const check_list* base);
// Whether a check of this type needs a port to probe.
bool check_needs_port(check_type t);
// Refuses the data_path checks of `rs` (read from `server_table` at `where`) when `vs` cannot
// carry them: a fwmark service, or nat forwarding. An error about a check `rs` inherits is said at
// the service's key once (`service_reported`).
void check_data_path(const table_reader& service_table, const toml::table& server_table, const std::string& where,
                     const real_server& rs, const virtual_server& vs, bool& service_reported);

// Duplicates, references between tables, and coverage of services by VIPs.
void cross_check(diagnostic_sink& sink, const parsed_config& parsed);
// The [[anycast]] groups against the services and the VRRP instances (cross_checks_anycast.cpp).
void check_anycast(diagnostic_sink& sink, const parsed_config& parsed);

}  // namespace lbd::config::detail

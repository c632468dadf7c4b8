// SPDX-License-Identifier: GPL-2.0-or-later
// [global] and [ipvs].
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "common/script_user.hpp"
#include "config/names.hpp"
#include "config/sections.hpp"

namespace lbd::config::detail {

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string invalid_name_message(std::string_view name) {
  return fmt::format("'{}' may only contain letters, digits, '-', '_' and '.' (1-64)", name);
}

std::optional<std::string> read_section_name(table_reader& r, std::string_view kind) {
  auto name = r.word("name");
  if (!name) {
    if (!r.has("name")) r.missing("name");
    return std::nullopt;
  }
  if (!valid_name(*name)) {
    r.error("name", invalid_name_message(*name));
    return std::nullopt;
  }
  r.rename(fmt::format("{}[{}]", kind, *name));
  return name;
}

bool valid_interface_name(std::string_view name) {
  if (name.empty() || name.size() > 15 || name == "." || name == "..") return false;
  for (char c : name) {
    if (c == '/' || c == ':' || static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return false;
  }
  return true;
}

void read_account(const table_reader& r, std::string_view user_key, std::string_view group_key, bool group_needs_user,
                  std::string& user, std::string& group) {
  if (auto v = r.word(user_key)) user = *v;
  if (auto v = r.word(group_key)) group = *v;
  const auto db = script_user::system_accounts();
  if (!user.empty() && !db.user(user)) r.error(user_key, fmt::format("no account '{}' on this system", user));
  if (!group.empty() && !db.group(group)) r.error(group_key, fmt::format("no group '{}' on this system", group));
  if (group_needs_user && !group.empty() && user.empty()) {
    r.error(group_key, fmt::format("needs {}: the group of the account the program runs as", user_key));
  }
}

namespace {

void read_anycast_routes(const table_reader& r, anycast_routes& a) {
  if (auto v = r.word("anycast_device")) {
    if (valid_interface_name(*v)) {
      a.device = *v;
    } else {
      r.error("anycast_device", fmt::format("'{}' is not a valid interface name", *v));
    }
  }
  // 0-4 are the kernel's own (unspec, redirect, kernel, boot, static); routing daemons use 8 and up
  // (/etc/iproute2/rt_protos), 245 is free.
  if (auto v = r.integer("anycast_route_protocol", 5, 255)) a.protocol = static_cast<std::uint8_t>(*v);
  // 0 is no table and 255 the local one, whose routes are not announced.
  if (auto v = r.integer("anycast_route_table", 1, 4294967295)) {
    if (*v == 255) {
      r.error("anycast_route_table", "255 is the kernel's local table: use main (254) or a table of lbd's own");
    } else {
      a.table = static_cast<std::uint32_t>(*v);
    }
  }
  if (auto v = r.duration_value("anycast_stop_delay")) a.stop_delay = *v;
}

}  // namespace

global_settings read_global(diagnostic_sink& sink, const toml::node* node, const std::string& default_node_name) {
  global_settings g;
  g.node_name = default_node_name;
  if (node == nullptr) return g;
  value_reader values(sink);
  const auto* t = values.table(*node, "global");
  if (t == nullptr) return g;
  table_reader r(sink, *t, "global");

  if (auto v = r.word("node_name")) {
    if (valid_name(*v)) {
      g.node_name = *v;
    } else {
      r.error("node_name", invalid_name_message(*v));
    }
  }
  if (auto v = r.word("control_socket")) {
    if (v->front() != '/') {
      r.error("control_socket", fmt::format("'{}' must be an absolute path", *v));
    } else {
      g.control_socket = *v;
    }
  }
  if (auto v = r.endpoint_value("metrics_listen", true)) g.metrics_listen = *v;
  if (auto v = r.choice("log_level", log_level_names)) g.log_level = *v;
  if (auto v =
          r.duration_at_least("reconcile_interval", std::chrono::seconds(1), "each pass dumps the kernel's IPVS table"))
    g.reconcile_interval = *v;
  if (auto v = r.choice("exit_policy", exit_policy_names)) g.on_exit = *v;
  if (auto v = r.duration_value("drain_timeout")) g.drain_timeout = *v;
  if (auto v = r.integer("vrrp_realtime_priority", 0, 99)) g.vrrp_realtime_priority = static_cast<unsigned>(*v);
  if (auto v = r.boolean("lock_memory")) g.lock_memory = *v;
  if (auto v = r.boolean("script_security")) g.script_security = *v;
  read_account(r, "script_user", "script_group", false, g.script_user, g.script_group);
  read_anycast_routes(r, g.anycast);
  r.finish({"node_name", "control_socket", "metrics_listen", "log_level", "reconcile_interval", "exit_policy",
            "drain_timeout", "vrrp_realtime_priority", "lock_memory", "script_security", "script_user", "script_group",
            "anycast_device", "anycast_route_protocol", "anycast_route_table", "anycast_stop_delay"});
  return g;
}

namespace {

// IPVS keeps its timeouts in whole seconds.
std::optional<duration> read_ipvs_timeout(const table_reader& r, std::string_view key) {
  auto d = r.positive_duration(key);
  if (d && d->count() % 1'000'000'000 != 0) {
    r.error(key,
            fmt::format("{} is not a whole number of seconds (IPVS counts timeouts in seconds)", format_duration(*d)));
    return std::nullopt;
  }
  return d;
}

sync_daemon_settings read_sync_daemon(const table_reader& r) {
  sync_daemon_settings s;
  if (auto v = r.word("interface")) {
    if (valid_interface_name(*v)) {
      s.interface = *v;
    } else {
      r.error("interface", fmt::format("'{}' is not a valid interface name", *v));
    }
  } else if (!r.has("interface")) {
    r.missing("interface");
  }
  if (auto v = r.integer("sync_id", 0, 255)) s.sync_id = static_cast<std::uint8_t>(*v);
  if (!r.has("sync_id")) r.missing("sync_id");
  if (auto v = r.word("follow")) s.follow = *v;
  if (!r.has("follow")) r.missing("follow");
  if (auto v = r.integer("maxlen", 1, 65507)) s.maxlen = static_cast<std::uint16_t>(*v);
  if (auto v = r.address("mcast_group")) {
    if (v->is_multicast()) {
      s.mcast_group = *v;
    } else {
      r.error("mcast_group", fmt::format("{} is not a multicast address", v->to_string()));
    }
  }
  if (auto v = r.integer("mcast_port", 1, 65535)) s.mcast_port = static_cast<std::uint16_t>(*v);
  if (auto v = r.integer("mcast_ttl", 1, 255)) s.mcast_ttl = static_cast<std::uint8_t>(*v);
  r.finish({"interface", "sync_id", "follow", "maxlen", "mcast_group", "mcast_port", "mcast_ttl"});
  return s;
}

// "10.0.0.1" or "10.0.0.1-10.0.0.4", of family `f`, first <= last.
std::optional<address_pool> read_pool(const table_reader& r, std::string_view key, address_family f) {
  auto text = r.string(key);
  if (!text) return std::nullopt;
  const auto dash = text->find('-');
  auto first = parse_address(text->substr(0, dash));
  auto last = dash == std::string::npos ? first : parse_address(text->substr(dash + 1));
  if (!first || !last) {
    r.error(key, fmt::format("'{}' is not an address or a range first-last: {}", *text,
                             first ? last.error() : first.error()));
    return std::nullopt;
  }
  if (family_of(*first) != f || family_of(*last) != f) {
    r.error(key, fmt::format("'{}' is not {}", *text, to_string(f)));
    return std::nullopt;
  }
  if (*last < *first) {
    r.error(key, fmt::format("'{}': the range ends before it starts", *text));
    return std::nullopt;
  }
  return address_pool{*first, *last};
}

// nftables names its tables; lbd's is written into every command, so a plain identifier.
void read_fullnat(const table_reader& r, fullnat_settings& s) {
  s.pool4 = read_pool(r, "fullnat_pool4", address_family::inet);
  s.pool6 = read_pool(r, "fullnat_pool6", address_family::inet6);
  if (auto v = r.string("fullnat_table")) {
    const bool ok = !v->empty() && v->size() <= 32 && std::isalpha(static_cast<unsigned char>(v->front())) != 0 &&
                    std::all_of(v->begin(), v->end(),
                                [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; });
    if (ok) {
      s.table = *v;
    } else {
      r.error("fullnat_table",
              fmt::format("'{}' is not a table name: a letter, then letters, digits or '_', at most 32", *v));
    }
  }
}

}  // namespace

ipvs_settings read_ipvs(diagnostic_sink& sink, const toml::node* node, const toml::table** sync_daemon_source) {
  ipvs_settings s;
  if (node == nullptr) return s;
  value_reader values(sink);
  const auto* t = values.table(*node, "ipvs");
  if (t == nullptr) return s;
  table_reader r(sink, *t, "ipvs");
  if (const auto* tt = r.subtable("timeouts")) {
    table_reader tr(sink, *tt, "ipvs.timeouts");
    s.timeouts.tcp = read_ipvs_timeout(tr, "tcp");
    s.timeouts.tcp_fin = read_ipvs_timeout(tr, "tcp_fin");
    s.timeouts.udp = read_ipvs_timeout(tr, "udp");
    tr.finish({"tcp", "tcp_fin", "udp"});
  }
  if (const auto* st = r.subtable("sync_daemon")) {
    s.sync_daemon = read_sync_daemon(table_reader(sink, *st, "ipvs.sync_daemon"));
    *sync_daemon_source = st;
  }
  if (auto v = r.integer("data_path_fwmark_base", 1, 4294967295)) s.data_path.base = static_cast<std::uint32_t>(*v);
  if (auto v = r.integer("data_path_fwmark_count", 1, 1048576)) s.data_path.count = static_cast<std::uint32_t>(*v);
  if (std::uint64_t{s.data_path.base} + s.data_path.count > 4294967296) {
    r.error(
        r.has("data_path_fwmark_count") ? "data_path_fwmark_count" : "data_path_fwmark_base",
        fmt::format("the marks {} and the {} after it do not fit in 32 bits", s.data_path.base, s.data_path.count - 1));
  }
  read_fullnat(r, s.fullnat);
  s.sloppy_tcp = r.boolean("sloppy_tcp");
  s.sloppy_sctp = r.boolean("sloppy_sctp");
  r.finish({"timeouts", "sync_daemon", "data_path_fwmark_base", "data_path_fwmark_count", "fullnat_pool4",
            "fullnat_pool6", "fullnat_table", "sloppy_tcp", "sloppy_sctp"});
  return s;
}

}  // namespace lbd::config::detail

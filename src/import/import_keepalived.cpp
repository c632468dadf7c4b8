// SPDX-License-Identifier: GPL-2.0-or-later
#include <fmt/format.h>

#include "common/script_user.hpp"
#include "import/import.hpp"
#include "import/keepalived_convert.hpp"
#include "import/toml_writer.hpp"

namespace lbd::import {
namespace {

std::string vrid_of(const std::vector<kad_node>& top, const std::string& instance) {
  for (const auto& n : top) {
    if (n.keyword != "vrrp_instance" || n.args.empty() || n.args[0] != instance) continue;
    if (const auto* v = n.find("virtual_router_id"); v != nullptr && !v->args.empty()) return v->args[0];
  }
  return {};
}

// global_defs lvs_sync_daemon IFACE [INSTANCE | inst INSTANCE] [id N] [maxlen N] [port N] [ttl N] [group IP]
// (keepalived/core/global_parser.c); the sync id defaults to the instance's vrid.
std::string sync_daemon(kad_context& ctx, const kad_node& c, const std::vector<kad_node>& top) {
  std::vector<std::pair<std::string, std::string>> f{{"interface", toml_string(ctx.arg(c))}};
  std::string follow;
  std::string id;
  static const std::map<std::string, std::string> keys{
      {"maxlen", "maxlen"}, {"port", "mcast_port"}, {"ttl", "mcast_ttl"}};
  for (std::size_t i = 1; i < c.args.size(); ++i) {
    const auto& a = c.args[i];
    bool has_value = i + 1 < c.args.size();
    if (a == "inst" && has_value) {
      follow = c.args[++i];
    } else if (a == "id" && has_value) {
      id = c.args[++i];
    } else if (a == "group" && has_value) {
      f.emplace_back("mcast_group", toml_string(c.args[++i]));
    } else if (keys.count(a) != 0 && has_value) {
      f.emplace_back(keys.at(a), c.args[++i]);
    } else if (i == 1) {
      follow = a;  // the older positional form
    } else if (i == 2 && id.empty()) {
      id = a;
    } else {
      ctx.refuse(c, "option '" + a + "' not understood");
    }
  }
  if (follow.empty()) {
    ctx.refuse(c, "no VRRP instance named: lbd's sync daemon follows one instance (ipvs.sync_daemon.follow)");
    return {};
  }
  if (id.empty()) id = vrid_of(top, follow);
  if (id.empty()) {
    ctx.refuse(c, "no sync id and no vrrp_instance " + follow + " to take it from");
    return {};
  }
  f.emplace_back("sync_id", id);
  f.emplace_back("follow", toml_string(follow));
  return toml_inline_table(f);
}

// global_defs lvs_timeouts [tcp N] [tcpfin N] [udp N].
std::string timeouts(kad_context& ctx, const kad_node& c) {
  std::vector<std::pair<std::string, std::string>> f;
  for (std::size_t i = 0; i + 1 < c.args.size(); i += 2) {
    const auto& k = c.args[i];
    if (k == "tcp" || k == "tcpfin" || k == "udp") {
      f.emplace_back(k == "tcpfin" ? "tcp_fin" : k, toml_string(seconds_to_duration(c.args[i + 1])));
    } else {
      ctx.refuse(c, "option '" + k + "' not understood");
    }
  }
  return f.empty() ? std::string{} : toml_inline_table(f);
}

import_result convert(const kad_parse_result& parsed, const std::string& name, const import_host& host) {
  import_result r;
  r.errors = parsed.errors;
  kad_context ctx;
  std::string node_name;
  std::string ipvs;
  std::string globals;  // [global] lines other than node_name
  bool script_security = false;
  bool script_user = false;
  for (const auto& n : parsed.top) {
    if (n.keyword == "global_defs") {
      for (const auto& c : n.children) {
        if (c.keyword == "router_id") {
          node_name = ctx.arg(c);
        } else if (c.keyword == "vrrp_version") {
          ctx.default_version = std::atoi(ctx.arg(c).c_str());
        } else if (c.keyword == "vrrp_garp_master_refresh") {
          ctx.default_garp_refresh = seconds_to_duration(ctx.arg(c));
        } else if (c.keyword == "vrrp_garp_master_repeat") {
          ctx.default_garp_repeat = ctx.arg(c);
        } else if (c.keyword == "vrrp_garp_master_delay") {
          ctx.default_garp_master_delay = seconds_to_duration(ctx.arg(c));
        } else if (c.keyword == "lvs_sync_daemon") {
          if (auto s = sync_daemon(ctx, c, parsed.top); !s.empty()) ipvs += "sync_daemon = " + s + "\n";
        } else if (c.keyword == "lvs_timeouts") {
          if (auto t = timeouts(ctx, c); !t.empty()) ipvs += "timeouts = " + t + "\n";
        } else if (c.keyword == "vrrp_rt_priority") {
          const auto v = ctx.arg(c);
          const int prio = std::atoi(v.c_str());
          if (v.find_first_not_of("0123456789") == std::string::npos && prio >= 1 && prio <= 99) {
            globals += fmt::format("vrrp_realtime_priority = {}\n", prio);
          } else {
            ctx.refuse(c, "'" + v + "' is not a realtime priority 1-99");
          }
        } else if (c.keyword == "vrrp_no_swap") {
          globals += "lock_memory = true\n";
          ctx.change(c, "lbd is one process: lock_memory locks all of it, checker included, not only VRRP");
        } else if (c.keyword == "enable_script_security") {
          script_security = true;
          globals += "script_security = true\n";  // lbd's default; written so the choice stays visible
        } else if (c.keyword == "script_user") {
          script_user = true;
          globals += fmt::format("script_user = {}\n", toml_string(ctx.arg(c)));
          if (c.args.size() > 1) globals += fmt::format("script_group = {}\n", toml_string(c.args[1]));
        } else if (c.keyword == "vrrp_strict") {
          ctx.strict = true;  // only its accept_mode default carries over
          ctx.refuse(c, "lbd has no strict mode (its other checks and restrictions); accept_mode stays off as with it");
        } else {
          ctx.refuse(c, "global setting with no lbd equivalent");
        }
      }
    } else if (n.keyword == "virtual_server_group" && !n.args.empty()) {
      ctx.vs_groups[n.args[0]] = &n;
    } else if (n.keyword == "vrrp_script" && !n.args.empty()) {
      ctx.scripts[n.args[0]] = &n;
    } else if (n.keyword == "vrrp_sync_group" && !n.args.empty()) {
      std::vector<std::pair<std::string, std::string>> hooks;
      for (const auto& c : n.children) {
        if (c.keyword == "group") {
          for (const auto& member : c.children) ctx.sync_group_of[member.keyword] = n.args[0];
        } else if (!read_notify_hook(c, hooks)) {
          ctx.refuse(c, "sync-group setting with no lbd equivalent");
        }
      }
      if (!hooks.empty()) {
        ctx.sync_group_tables +=
            fmt::format("\n[[sync_group]]\nname = {}\n{}", toml_string(n.args[0]), notify_line(std::move(hooks)));
      }
    }
  }
  if (!script_security) {
    globals +=
        "# keepalived without enable_script_security runs scripts that others could replace (it only\n"
        "# warns), and so does this: set true once each script and its directories belong to root.\n"
        "script_security = false\n";
  }
  if (!script_user) {
    globals += host.keepalived_script_account
                   ? "# keepalived's default script user, which exists here (lbd's own default: lbd-script).\n"
                     "script_user = \"keepalived_script\"\n"
                   : "# keepalived runs scripts as root when no keepalived_script account exists, as here; lbd's\n"
                     "# default is the lbd-script account: drop this line once scripts need no root.\n"
                     "script_user = \"root\"\n";
  }
  kad_context body = ctx;
  body.not_converted.clear();
  body.out = "\n[global]\n";
  if (!node_name.empty()) body.out += fmt::format("node_name = {}\n", toml_string(node_name));
  body.out += globals;
  if (!ipvs.empty()) body.out += "\n[ipvs]\n" + ipvs;
  for (const auto& n : parsed.top) {
    if (n.keyword == "vrrp_instance") convert_vrrp_instance(body, n);
  }
  body.out += body.sync_group_tables;
  for (const auto& n : parsed.top) {
    if (n.keyword == "virtual_server") convert_virtual_server(body, n);
  }
  for (const auto& n : parsed.top) {
    const auto& k = n.keyword;
    if (k != "global_defs" && k != "vrrp_script" && k != "vrrp_sync_group" && k != "vrrp_instance" &&
        k != "virtual_server" && !(k == "virtual_server_group" && !n.args.empty())) {
      body.refuse(n, "top-level block with no lbd equivalent");
    }
  }
  r.not_converted = std::move(ctx.not_converted);
  for (auto& l : body.not_converted) r.not_converted.push_back(std::move(l));
  // The report heads the file, so whoever opens it sees first what behaves differently.
  r.toml = fmt::format("# lbd.conf converted from {} by `lbd import keepalived`.\n", name);
  if (r.not_converted.empty()) {
    r.toml += "# Every keyword converted to the same behaviour.\n";
  } else {
    r.toml += "# Refused (dropped) or changed (behaves differently) - review each before use:\n";
    for (const auto& line : r.not_converted) r.toml += "#   " + line + "\n";
  }
  r.toml += body.out;
  return r;
}

}  // namespace

import_host this_host() { return {script_user::system_accounts().user("keepalived_script").has_value()}; }

import_result import_keepalived_text(const std::string& text, const std::string& name, const import_host& host) {
  return convert(parse_keepalived_text(text, name), name, host);
}

import_result import_keepalived_file(const std::string& path, const import_host& host) {
  return convert(parse_keepalived_file(path), path, host);
}

}  // namespace lbd::import

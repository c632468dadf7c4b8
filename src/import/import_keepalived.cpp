// SPDX-License-Identifier: GPL-2.0-or-later
#include <fmt/format.h>

#include "import/import.hpp"
#include "import/keepalived_convert.hpp"
#include "import/toml_writer.hpp"

namespace lbd::import {
namespace {

import_result convert(const kad_parse_result& parsed, const std::string& name) {
  import_result r;
  r.errors = parsed.errors;
  kad_context ctx;
  std::string node_name;
  for (const auto& n : parsed.top) {
    if (n.keyword == "global_defs") {
      for (const auto& c : n.children) {
        if (c.keyword == "router_id") {
          node_name = ctx.arg(c);
        } else if (c.keyword == "vrrp_version") {
          ctx.default_version = std::atoi(ctx.arg(c).c_str());
        } else {
          ctx.skip(c, "global setting with no lbd equivalent");
        }
      }
    } else if (n.keyword == "vrrp_script" && !n.args.empty()) {
      ctx.scripts[n.args[0]] = &n;
    } else if (n.keyword == "vrrp_sync_group" && !n.args.empty()) {
      for (const auto& c : n.children) {
        if (c.keyword == "group") {
          for (const auto& member : c.children) ctx.sync_group_of[member.keyword] = n.args[0];
        } else {
          ctx.skip(c, "sync-group hooks are per instance in lbd (vrrp.notify)");
        }
      }
    }
  }
  ctx.out = fmt::format("# lbd.conf converted from {} by `lbd import keepalived`.\n", name);
  ctx.out += "# Review the items listed at the end before use, then run `lbd --check`.\n\n[global]\n";
  if (!node_name.empty()) ctx.out += fmt::format("node_name = {}\n", toml_string(node_name));
  for (const auto& n : parsed.top) {
    if (n.keyword == "vrrp_instance") convert_vrrp_instance(ctx, n);
  }
  for (const auto& n : parsed.top) {
    if (n.keyword == "virtual_server") convert_virtual_server(ctx, n);
  }
  for (const auto& n : parsed.top) {
    const auto& k = n.keyword;
    if (k != "global_defs" && k != "vrrp_script" && k != "vrrp_sync_group" && k != "vrrp_instance" &&
        k != "virtual_server") {
      ctx.skip(n, "top-level block with no lbd equivalent");
    }
  }
  if (!ctx.not_converted.empty()) {
    ctx.out += "\n# Not converted:\n";
    for (const auto& line : ctx.not_converted) ctx.out += "#   " + line + "\n";
  }
  r.toml = std::move(ctx.out);
  r.not_converted = std::move(ctx.not_converted);
  return r;
}

}  // namespace

import_result import_keepalived_text(const std::string& text, const std::string& name) {
  return convert(parse_keepalived_text(text, name), name);
}

import_result import_keepalived_file(const std::string& path) { return convert(parse_keepalived_file(path), path); }

}  // namespace lbd::import

// SPDX-License-Identifier: GPL-2.0-or-later
#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "common/duration.hpp"
#include "import/keepalived_convert.hpp"
#include "import/toml_writer.hpp"

namespace lbd::import {
namespace {

std::string with_prefix_length(const std::string& address) {
  if (address.find('/') != std::string::npos) return address;
  return address + (address.find(':') != std::string::npos ? "/128" : "/32");
}

std::string track_script_entry(kad_context& ctx, const kad_node& ref) {
  auto it = ctx.scripts.find(ref.keyword);
  if (it == ctx.scripts.end()) {
    ctx.refuse(ref, "no vrrp_script of that name");
    return {};
  }
  const kad_node& s = *it->second;
  std::vector<std::pair<std::string, std::string>> f{{"name", toml_string(ref.keyword)}};
  std::string weight = "0";
  std::string interval = "1s";                               // keepalived's default (vrrp_parser.c)
  std::string timeout;                                       // keepalived: unset = the interval
  std::vector<std::pair<std::string, std::string>> account;  // `user USER [GROUP]`
  for (const auto& c : s.children) {
    if (c.keyword == "script") {
      std::string line;
      for (const auto& a : c.args) line += (line.empty() ? "" : " ") + a;
      f.emplace_back("command", toml_string_array(split_command(line)));
    } else if (c.keyword == "interval") {
      interval = seconds_to_duration(ctx.arg(c));
    } else if (c.keyword == "timeout") {
      timeout = seconds_to_duration(ctx.arg(c));
    } else if (c.keyword == "rise" || c.keyword == "fall") {
      f.emplace_back(c.keyword, ctx.arg(c));
    } else if (c.keyword == "weight") {
      weight = ctx.arg(c);
    } else if (c.keyword == "user") {
      account.emplace_back("user", toml_string(ctx.arg(c)));
      if (c.args.size() > 1) account.emplace_back("group", toml_string(c.args[1]));
    } else {
      ctx.refuse(c, "not supported in track scripts");
    }
  }
  auto every = parse_duration(interval);
  auto limit = parse_duration(timeout.empty() ? interval : timeout);
  if (every && limit && *limit >= *every) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*every);
    std::string shorter = format_duration(ms - std::max(ms / 10, std::chrono::milliseconds(1)));
    ctx.change(
        s, fmt::format("keepalived lets a run take {} (timeout {}); lbd needs a timeout shorter than the "
                       "interval: timeout {}",
                       timeout.empty() ? interval : timeout, timeout.empty() ? "unset = interval" : timeout, shorter));
    timeout = shorter;
  }
  f.emplace_back("interval", toml_string(interval));
  if (!timeout.empty()) f.emplace_back("timeout", toml_string(timeout));
  // A weight on the reference overrides the script's own.
  for (std::size_t i = 0; i + 1 < ref.args.size(); ++i) {
    if (ref.args[i] == "weight") weight = ref.args[i + 1];
  }
  f.emplace_back("weight", weight);
  f.insert(f.end(), account.begin(), account.end());
  return toml_inline_table(f);
}

}  // namespace

void convert_vrrp_instance(kad_context& ctx, const kad_node& n) {
  std::string name = n.args.empty() ? "vrrp" : n.args[0];
  auto& o = ctx.out;
  o += fmt::format("\n# from {}\n[[vrrp]]\nname = {}\n", n.where(), toml_string(name));
  int version = ctx.default_version;
  std::vector<std::string> vips;
  std::vector<std::string> peers;
  std::vector<std::string> tracks;
  std::vector<std::string> scripts;
  std::vector<std::pair<std::string, std::string>> notify;
  std::vector<std::pair<std::string, std::string>> garp;
  std::string auth;
  std::string routes;  // virtual_routes and virtual_rules lines
  std::string lines;
  bool accept_given = false;
  std::optional<std::string> vmac;  // the macvlan's name, "" for keepalived's default
  bool xmit_base = false;
  for (const auto& c : n.children) {
    const auto& k = c.keyword;
    if (k == "interface") {
      lines += fmt::format("interface = {}\n", toml_string(ctx.arg(c)));
    } else if (k == "virtual_router_id") {
      lines += fmt::format("vrid = {}\n", ctx.arg(c));
    } else if (k == "priority") {
      lines += fmt::format("priority = {}\n", ctx.arg(c));
    } else if (k == "version" || k == "vrrp_version") {
      version = std::atoi(ctx.arg(c).c_str());
    } else if (k == "advert_int") {
      lines += fmt::format("advert_interval = {}\n", toml_string(seconds_to_duration(ctx.arg(c))));
    } else if (k == "nopreempt") {
      lines += "preempt = false\n";
    } else if (k == "preempt_delay") {
      lines += fmt::format("preempt_delay = {}\n", toml_string(seconds_to_duration(ctx.arg(c))));
    } else if (k == "accept") {
      lines += "accept_mode = true\n";
      accept_given = true;
    } else if (k == "no_accept") {
      lines += "accept_mode = false\n";
      accept_given = true;
    } else if (k == "state") {
      // keepalived's initial state only shortens the start-up; the election decides either way.
      if (!c.args.empty() && c.args[0] == "BACKUP") continue;
      ctx.change(c,
                 "lbd starts as BACKUP and the election (priority) decides; keepalived's MASTER start "
                 "only skips the first wait");
    } else if (k == "unicast_src_ip") {
      lines += fmt::format("unicast_source = {}\n", toml_string(ctx.arg(c)));
    } else if (k == "unicast_peer") {
      for (const auto& p : c.children) peers.push_back(p.keyword);
    } else if (k == "virtual_ipaddress") {
      for (const auto& v : c.children) {
        std::vector<std::pair<std::string, std::string>> f{{"address", toml_string(with_prefix_length(v.keyword))}};
        for (std::size_t i = 0; i + 1 < v.args.size(); i += 2) {
          if (v.args[i] == "label") {
            f.emplace_back("label", toml_string(v.args[i + 1]));
          } else if (v.args[i] == "dev") {
            // lbd adds every VIP on the instance's interface.
            const auto* itf = n.find("interface");
            if (itf == nullptr || itf->args.empty() || itf->args[0] != v.args[i + 1]) {
              ctx.change(v, "keepalived adds it on " + v.args[i + 1] + "; lbd on the instance's interface");
            }
          } else {
            ctx.refuse(v, "option '" + v.args[i] + "' of a virtual address");
          }
        }
        vips.push_back(f.size() == 1 ? f[0].second : toml_inline_table(f));
      }
    } else if (k == "track_interface") {
      for (const auto& t : c.children) {
        std::string weight = t.args.size() >= 2 && t.args[0] == "weight" ? t.args[1] : "0";
        tracks.push_back(toml_inline_table({{"name", toml_string(t.keyword)}, {"weight", weight}}));
      }
    } else if (k == "track_script") {
      for (const auto& t : c.children) {
        auto entry = track_script_entry(ctx, t);
        if (!entry.empty()) scripts.push_back(entry);
      }
    } else if (k == "authentication") {
      const kad_node* type = c.find("auth_type");
      const kad_node* pass = c.find("auth_pass");
      if (type != nullptr && !type->args.empty() && type->args[0] == "PASS" && pass != nullptr && !pass->args.empty()) {
        auth = toml_inline_table({{"type", toml_string("pass")}, {"password", toml_string(pass->args[0])}});
      } else {
        ctx.refuse(c, "only auth_type PASS is supported (AH is not)");
      }
    } else if (read_notify_hook(c, notify)) {
    } else if (k == "garp_master_repeat") {
      garp.emplace_back("repeat", ctx.arg(c));
    } else if (k == "garp_master_delay") {
      garp.emplace_back("master_delay", toml_string(seconds_to_duration(ctx.arg(c))));
    } else if (k == "garp_master_refresh") {
      garp.emplace_back("refresh", toml_string(seconds_to_duration(ctx.arg(c))));
    } else if (k == "garp_interval" || k == "gna_interval") {
      garp.emplace_back("delay", toml_string(seconds_to_duration(ctx.arg(c))));
    } else if (k == "use_vmac") {
      vmac = c.args.empty() ? std::string{} : c.args[0];
    } else if (k == "vmac_xmit_base") {
      xmit_base = true;
    } else if (k == "virtual_routes") {
      routes += convert_virtual_routes(ctx, c);
    } else if (k == "virtual_rules") {
      routes += convert_virtual_rules(ctx, c);
    } else {
      ctx.refuse(c, "no lbd equivalent");
    }
  }
  // global_defs vrrp_garp_master_refresh / _repeat are the defaults of every instance.
  auto has_garp = [&](const std::string& key) {
    return std::any_of(garp.begin(), garp.end(), [&](const auto& g) { return g.first == key; });
  };
  if (!ctx.default_garp_repeat.empty() && !has_garp("repeat")) garp.emplace_back("repeat", ctx.default_garp_repeat);
  if (!ctx.default_garp_master_delay.empty() && !has_garp("master_delay")) {
    garp.emplace_back("master_delay", toml_string(ctx.default_garp_master_delay));
  }
  if (!ctx.default_garp_refresh.empty() && !has_garp("refresh")) {
    garp.emplace_back("refresh", toml_string(ctx.default_garp_refresh));
  }
  if (version == 3 && !auth.empty()) {
    ctx.refuse(*n.find("authentication"), "VRRPv3 has no authentication (keepalived ignores it too)");
    auth.clear();
  }
  // keepalived's default macvlan name is lbd's (vrrp.VRID); vmac_xmit_base alone it ignores.
  if (vmac) {
    lines += "use_vmac = true\n";
    if (!vmac->empty()) lines += fmt::format("vmac_interface = {}\n", toml_string(*vmac));
    if (xmit_base) lines += "vmac_xmit_base = true\n";
  }
  o += lines;
  o += fmt::format("version = {}\n", version);
  o += fmt::format("virtual_ips = [{}]\n", [&] {
    std::string s;
    for (std::size_t i = 0; i < vips.size(); ++i) s += (i > 0 ? ", " : "") + vips[i];
    return s;
  }());
  if (!peers.empty()) o += fmt::format("unicast_peers = {}\n", toml_string_array(peers));
  if (!garp.empty()) o += fmt::format("garp = {}\n", toml_inline_table(garp));
  auto list = [](const std::vector<std::string>& items) {
    std::string s = "[";
    for (std::size_t i = 0; i < items.size(); ++i) s += (i > 0 ? ", " : "") + items[i];
    return s + "]";
  };
  if (!tracks.empty()) o += fmt::format("track_interfaces = {}\n", list(tracks));
  if (!scripts.empty()) o += fmt::format("track_scripts = {}\n", list(scripts));
  if (auto g = ctx.sync_group_of.find(name); g != ctx.sync_group_of.end()) {
    o += fmt::format("sync_group = {}\n", toml_string(g->second));
  }
  o += routes;
  if (!notify.empty()) o += notify_line(std::move(notify));
  if (!auth.empty()) o += fmt::format("auth = {}\n", auth);
  // keepalived accepts traffic to the VIPs by default unless vrrp_strict (vrrp.c); lbd does not.
  if (!accept_given && !ctx.strict) o += "accept_mode = true\n";
}

bool read_notify_hook(const kad_node& c, std::vector<std::pair<std::string, std::string>>& out) {
  const auto& k = c.keyword;
  if (k != "notify_master" && k != "notify_backup" && k != "notify_fault" && k != "notify_stop" && k != "notify") {
    return false;
  }
  std::string line;
  for (const auto& a : c.args) line += (line.empty() ? "" : " ") + a;
  out.emplace_back(k == "notify" ? "any" : k.substr(7), toml_string_array(split_command(line)));
  return true;
}

std::string notify_line(std::vector<std::pair<std::string, std::string>> hooks) {
  // keepalived runs notify_* with no added arguments and `notify` with `INSTANCE|GROUP NAME STATE
  // PRIORITY`: lbd's keepalived argument convention is exactly that.
  hooks.emplace_back("arguments", toml_string("keepalived"));
  return fmt::format("notify = {}\n", toml_inline_table(hooks));
}

}  // namespace lbd::import

// SPDX-License-Identifier: GPL-2.0-or-later
#include <fmt/format.h>

#include <algorithm>

#include "import/keepalived_convert.hpp"
#include "import/toml_writer.hpp"

namespace lbd::import {

std::string endpoint_text(const std::string& ip, const std::string& port) {
  if (ip.find(':') != std::string::npos) return port.empty() ? ip : fmt::format("[{}]:{}", ip, port);
  return port.empty() ? ip : fmt::format("{}:{}", ip, port);
}

namespace {

using fields = std::vector<std::pair<std::string, std::string>>;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// `lb_kind TUN [type ipip|gue|gre] [port N] [nocsum|csum|remcsum]` (check_parser.c) as a tunnel table.
std::string convert_tunnel(kad_context& ctx, const kad_node& c) {
  fields t;
  for (std::size_t i = 1; i < c.args.size(); ++i) {
    const auto& a = c.args[i];
    if ((a == "type" || a == "port") && i + 1 < c.args.size()) {
      t.emplace_back(a, a == "type" ? toml_string(c.args[i + 1]) : c.args[i + 1]);
      ++i;
    } else if (a == "nocsum" || a == "csum" || a == "remcsum") {
      t.emplace_back("checksum", toml_string(a));
    } else {
      ctx.refuse(c, "tunnel option '" + a + "' not understood");
    }
  }
  return t.empty() ? std::string{} : toml_inline_table(t);
}

}  // namespace

void convert_virtual_server(kad_context& ctx, const kad_node& n) {
  if (n.args.empty()) {
    ctx.refuse(n, "an address and port, fwmark N or group NAME is needed");
    return;
  }
  if (n.args[0] == "group") {
    convert_virtual_server_group(ctx, n);
    return;
  }
  const bool fwmark = n.args[0] == "fwmark";
  const std::string port = n.args.size() > 1 ? n.args[1] : "";
  std::string name =
      fwmark ? fmt::format("fwmark-{}", port) : fmt::format("{}-{}-{}", service_protocol(n), n.args[0], port);
  std::replace(name.begin(), name.end(), ':', '_');
  convert_service(ctx, n, {{n.args[0], port}}, name);
}

std::string service_protocol(const kad_node& n) {
  const auto* p = n.find("protocol");
  return p == nullptr || p->args.empty() ? "tcp" : lower(p->args[0]);
}

void convert_service(kad_context& ctx, const kad_node& n, const std::vector<entry_point>& entries,
                     const std::string& name) {
  const bool fwmark = entries.front()[0] == "fwmark";
  const std::string proto = service_protocol(n);

  checker_defaults defaults;
  defaults.interval = "60s";  // keepalived's default delay_loop; no alpha
  bool inhibit = false;       // service-wide inhibit_on_failure
  std::string lines;
  fields quorum;
  std::vector<std::string> flags;
  fields persistence;
  std::string tunnel;
  for (const auto& c : n.children) {
    const auto& k = c.keyword;
    if (read_checker_default(ctx, c, defaults)) continue;
    if (k == "lb_algo" || k == "lvs_sched") {
      lines += fmt::format("scheduler = {}\n", toml_string(ctx.arg(c)));
    } else if (k == "lb_kind" || k == "lvs_method") {
      lines += fmt::format("forwarding = {}\n", toml_string(lower(ctx.arg(c))));
      tunnel = convert_tunnel(ctx, c);
    } else if (k == "protocol") {
      lines += fmt::format("protocol = {}\n", toml_string(proto));
    } else if (k == "persistence_timeout") {
      persistence.emplace_back("timeout", toml_string(c.args.empty() ? "360s" : seconds_to_duration(c.args[0])));
    } else if (k == "persistence_engine") {
      persistence.emplace_back("pe", toml_string(ctx.arg(c)));
    } else if (k == "persistence_granularity") {
      persistence.emplace_back("netmask", toml_string(ctx.arg(c)));
    } else if (k == "sorry_server") {
      lines += fmt::format("sorry_server = {}\n", toml_string(endpoint_text(ctx.arg(c, 0), ctx.arg(c, 1))));
    } else if (k == "quorum") {
      quorum.emplace_back("min_weight", ctx.arg(c));
    } else if (k == "hysteresis") {
      quorum.emplace_back("hysteresis", ctx.arg(c));
    } else if (k == "quorum_up" || k == "quorum_down") {
      quorum.emplace_back(k.substr(7), toml_string_array(split_command(c.joined_args())));
      ctx.change(c, "lbd appends SERVICE LIVE_WEIGHT MIN_WEIGHT to the command; keepalived adds no arguments");
    } else if (k == "ops") {
      flags.emplace_back("one-packet");
    } else if (k == "sh-port" || k == "sh-fallback" || k == "mh-port" || k == "mh-fallback") {
      flags.push_back(k);
    } else if (k == "virtualhost") {
      defaults.virtualhost = ctx.arg(c);
    } else if (k == "inhibit_on_failure") {
      inhibit = true;
    } else if (k != "real_server") {
      ctx.refuse(c, "no lbd equivalent for virtual servers");
    }
  }
  // inhibit_on_failure on real servers decides on_failure too: lbd's is per service.
  std::vector<const kad_node*> inhibited;
  std::size_t real_servers = 0;
  for (const auto& rs : n.children) {
    if (rs.keyword != "real_server") continue;
    ++real_servers;
    if (const auto* i = rs.find("inhibit_on_failure")) inhibited.push_back(i);
  }
  if (!inhibit && !inhibited.empty()) {
    inhibit = true;
    if (inhibited.size() < real_servers) {
      ctx.change(*inhibited.front(),
                 "inhibit_on_failure on some real servers only: lbd's on_failure is per service, "
                 "so every real server of this virtual_server is kept at weight 0 when it fails");
    }
  }
  std::string servers;
  for (const auto& rs : n.children) {
    if (rs.keyword != "real_server") continue;
    std::string rs_ip = rs.args.empty() ? "" : rs.args[0];
    std::string rs_port = rs.args.size() > 1 ? rs.args[1] : "";
    servers +=
        fmt::format("\n[[virtual_server.real_server]]\naddress = {}\n", toml_string(endpoint_text(rs_ip, rs_port)));
    std::vector<std::string> checks;  // keepalived keeps a server up while none of its checkers failed
    fields notify;
    checker_defaults rs_defaults = defaults;
    for (const auto& c : rs.children) {
      if (c.children.empty()) read_checker_default(ctx, c, rs_defaults);  // before the checkers they apply to
    }
    for (const auto& c : rs.children) {
      const auto& k = c.keyword;
      if (k == "weight") {
        servers += fmt::format("weight = {}\n", ctx.arg(c));
      } else if (k == "uthreshold") {
        servers += fmt::format("upper_threshold = {}\n", ctx.arg(c));
      } else if (k == "lthreshold") {
        servers += fmt::format("lower_threshold = {}\n", ctx.arg(c));
      } else if (k == "inhibit_on_failure" || k == "alpha" || k == "delay_loop" || k == "connect_timeout" ||
                 k == "retry" || k == "delay_before_retry") {
        continue;  // read above, before the checkers
      } else if (k == "notify_up" || k == "notify_down") {
        notify.emplace_back(k.substr(7), toml_string_array(split_command(c.joined_args())));
        ctx.change(c, "lbd appends SERVICE SERVER STATE REASON to the command; keepalived adds no arguments");
      } else if (k == "TCP_CHECK" || k == "HTTP_GET" || k == "SSL_GET" || k == "MISC_CHECK" || k == "DNS_CHECK" ||
                 k == "SMTP_CHECK" || k == "UDP_CHECK" || k == "PING_CHECK" || k == "FILE_CHECK" || k == "BFD_CHECK") {
        auto check = convert_checker(ctx, c, rs_ip, rs_defaults);
        if (!check.empty()) checks.push_back(std::move(check));  // empty: refused, said so
      } else {
        ctx.refuse(c, "no lbd equivalent for real servers");
      }
    }
    if (!notify.empty()) servers += "notify = " + toml_inline_table(notify) + "\n";
    if (checks.empty()) {
      servers += "check = " + toml_inline_table({{"type", toml_string("none")}}) + "\n";
    } else if (checks.size() == 1) {
      servers += "check = " + checks.front() + "\n";
    } else {
      // Several checkers: an array of checks, up while all pass, as keepalived keeps the server.
      servers += "check = [\n";
      for (const auto& c : checks) servers += "  " + c + ",\n";
      servers += "]\n";
    }
  }
  auto& o = ctx.out;
  o += fmt::format("\n# from {}\n[[virtual_server]]\nname = {}\n", n.where(), toml_string(name));
  std::vector<std::string> keys;  // a group's entry points are a list
  for (const auto& e : entries) keys.push_back(fwmark ? e[1] : toml_string(endpoint_text(e[0], e[1])));
  const std::string key = keys.size() == 1 ? keys.front() : fmt::format("[{}]", fmt::join(keys, ", "));
  o += fmt::format("{} = {}\n", fwmark ? "fwmark" : "address", key);
  o += lines;
  // keepalived removes a failed server unless inhibit_on_failure keeps it at weight 0.
  o += fmt::format("on_failure = {}\n", toml_string(inhibit ? "inhibit" : "remove"));
  if (!flags.empty()) o += fmt::format("scheduler_flags = {}\n", toml_string_array(flags));
  if (!tunnel.empty()) o += fmt::format("tunnel = {}\n", tunnel);
  if (!persistence.empty()) o += fmt::format("persistence = {}\n", toml_inline_table(persistence));
  if (!quorum.empty()) o += fmt::format("quorum = {}\n", toml_inline_table(quorum));
  o += servers;
}

}  // namespace lbd::import

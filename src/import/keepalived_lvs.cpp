// SPDX-License-Identifier: GPL-2.0-or-later
#include <fmt/format.h>

#include <algorithm>

#include "common/duration.hpp"
#include "import/keepalived_convert.hpp"
#include "import/toml_writer.hpp"

namespace lbd::import {
namespace {

using fields = std::vector<std::pair<std::string, std::string>>;

std::string endpoint_text(const std::string& ip, const std::string& port) {
  if (ip.find(':') != std::string::npos) return port.empty() ? ip : fmt::format("[{}]:{}", ip, port);
  return port.empty() ? ip : fmt::format("{}:{}", ip, port);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string joined(const kad_node& n) {
  std::string line;
  for (const auto& a : n.args) line += (line.empty() ? "" : " ") + a;
  return line;
}

// One checker block of a real server as a lbd check table. keepalived's defaults are written out
// (connect_timeout 5s, retry 1, one success brings a server back) so behaviour does not change.
std::string convert_checker(kad_context& ctx, const kad_node& c, const std::string& rs_ip, const std::string& interval,
                            const std::string& virtualhost) {
  fields f;
  std::string timeout = "5s";
  std::string fall = "1";
  std::string retry_delay = "1s";
  std::string connect_ip = rs_ip;
  std::string connect_port;
  std::string own_interval = interval;
  fields extra;
  if (c.keyword == "TCP_CHECK") {
    f.emplace_back("type", toml_string("tcp"));
  } else if (c.keyword == "HTTP_GET" || c.keyword == "SSL_GET") {
    f.emplace_back("type", toml_string(c.keyword == "HTTP_GET" ? "http" : "https"));
    if (!virtualhost.empty()) extra.emplace_back("host", toml_string(virtualhost));
    if (c.keyword == "SSL_GET") {
      // keepalived never verifies certificates; keep that, and say so.
      extra.emplace_back("tls", toml_inline_table({{"verify", "false"}}));
      ctx.not_converted.push_back(c.where() +
                                  ": SSL_GET: certificate verification left off as in keepalived; turn it on "
                                  "(tls.verify, tls.ca_file) once the CA is known");
    }
    bool first_url = true;
    for (const auto& u : c.children) {
      if (u.keyword != "url") continue;
      if (!first_url) {
        ctx.skip(u, "lbd checks one URL per real server; only the first is converted");
        continue;
      }
      first_url = false;
      std::vector<std::string> codes;
      for (const auto& k : u.children) {
        if (k.keyword == "path") {
          extra.emplace_back("path", toml_string(ctx.arg(k)));
        } else if (k.keyword == "status_code") {
          for (const auto& code : k.args) {
            codes.push_back(code.find('-') != std::string::npos ? toml_string(code) : code);
          }
        } else if (k.keyword == "digest") {
          ctx.skip(k,
                   "MD5 body digests have no lbd equivalent (lbd uses body_sha256); compute the SHA-256 of "
                   "the expected body");
        } else if (k.keyword == "regex") {
          extra.emplace_back("body_regex", toml_string(joined(k)));
        } else if (k.keyword == "virtualhost") {
          extra.emplace_back("host", toml_string(ctx.arg(k)));
        } else {
          ctx.skip(k, "no lbd equivalent in HTTP checks");
        }
      }
      std::string list = "[";
      for (std::size_t i = 0; i < codes.size(); ++i) list += (i > 0 ? ", " : "") + codes[i];
      if (!codes.empty()) extra.emplace_back("expect_status", list + "]");
    }
  } else if (c.keyword == "MISC_CHECK") {
    f.emplace_back("type", toml_string("script"));
    connect_ip.clear();
  } else if (c.keyword == "DNS_CHECK") {
    f.emplace_back("type", toml_string("dns"));
  } else {
    ctx.skip(c, "checker type has no lbd equivalent");
    return {};
  }
  for (const auto& k : c.children) {
    const auto& kw = k.keyword;
    if (kw == "url") continue;
    if (kw == "connect_timeout" || kw == "misc_timeout") {
      timeout = seconds_to_duration(ctx.arg(k));
    } else if (kw == "retry" || kw == "nb_get_retry") {
      fall = ctx.arg(k);
    } else if (kw == "delay_before_retry") {
      retry_delay = seconds_to_duration(ctx.arg(k));
    } else if (kw == "delay_loop") {
      own_interval = seconds_to_duration(ctx.arg(k));
    } else if (kw == "connect_port") {
      connect_port = ctx.arg(k);
    } else if (kw == "connect_ip") {
      connect_ip = ctx.arg(k);
    } else if (kw == "misc_path") {
      extra.emplace_back("command", toml_string_array(split_command(joined(k))));
    } else if (kw == "misc_dynamic") {
      // keepalived: exit 0 up, 1 down, 2..255 up with weight = code - 2.
      extra.emplace_back("dynamic_weight", toml_inline_table({{"min", "0"}, {"max", "253"}}));
    } else if (kw == "name" && c.keyword == "DNS_CHECK") {
      extra.emplace_back("name", toml_string(ctx.arg(k)));
    } else if (kw == "type" && c.keyword == "DNS_CHECK") {
      extra.emplace_back("query_type", toml_string(ctx.arg(k)));
    } else {
      ctx.skip(k, "no lbd equivalent in checks");
    }
  }
  // keepalived waits delay_loop after a check ends, so a timeout as long as delay_loop is fine there;
  // lbd's interval runs from start to start and must exceed the timeout.
  auto t = parse_duration(timeout);
  auto i = parse_duration(own_interval);
  if (t && i && *t >= *i) {
    std::string longer = format_duration(*t + std::chrono::seconds(1));
    ctx.not_converted.push_back(fmt::format("{}: {}: interval raised from {} to {} so it exceeds the timeout {}",
                                            c.where(), c.keyword, own_interval, longer, timeout));
    own_interval = longer;
  }
  f.emplace_back("interval", toml_string(own_interval));
  f.emplace_back("timeout", toml_string(timeout));
  f.emplace_back("rise", "1");
  f.emplace_back("fall", fall);
  f.emplace_back("retry_delay", toml_string(retry_delay));
  if (!connect_ip.empty() && (!connect_port.empty() || connect_ip != rs_ip)) {
    f.emplace_back("connect_to", toml_string(endpoint_text(connect_ip, connect_port)));
  }
  for (auto& e : extra) f.push_back(std::move(e));
  return toml_inline_table(f);
}

}  // namespace

void convert_virtual_server(kad_context& ctx, const kad_node& n) {
  if (n.args.empty() || n.args[0] == "group") {
    ctx.skip(n, "virtual_server_group is not supported; write one virtual_server per address");
    return;
  }
  bool fwmark = n.args[0] == "fwmark";
  std::string ip = fwmark ? "" : n.args[0];
  std::string port = n.args.size() > 1 ? n.args[1] : "";
  std::string proto = "tcp";
  if (const auto* p = n.find("protocol")) proto = lower(ctx.arg(*p));
  std::string name = fwmark ? fmt::format("fwmark-{}", port) : fmt::format("{}-{}-{}", proto, ip, port);
  std::replace(name.begin(), name.end(), ':', '_');

  std::string interval = "60s";  // keepalived's default delay_loop
  std::string virtualhost;
  bool drain = false;
  std::string lines;
  fields quorum;
  std::vector<std::string> flags;
  fields persistence;
  for (const auto& c : n.children) {
    const auto& k = c.keyword;
    if (k == "delay_loop") {
      interval = seconds_to_duration(ctx.arg(c));
    } else if (k == "lb_algo" || k == "lvs_sched") {
      lines += fmt::format("scheduler = {}\n", toml_string(ctx.arg(c)));
    } else if (k == "lb_kind" || k == "lvs_method") {
      lines += fmt::format("forwarding = {}\n", toml_string(lower(ctx.arg(c))));
    } else if (k == "protocol") {
      lines += fmt::format("protocol = {}\n", toml_string(proto));
    } else if (k == "persistence_timeout") {
      persistence.emplace_back("timeout", toml_string(c.args.empty() ? "360s" : seconds_to_duration(c.args[0])));
    } else if (k == "persistence_granularity") {
      persistence.emplace_back("netmask", toml_string(ctx.arg(c)));
    } else if (k == "sorry_server") {
      lines += fmt::format("sorry_server = {}\n", toml_string(endpoint_text(ctx.arg(c, 0), ctx.arg(c, 1))));
    } else if (k == "quorum") {
      quorum.emplace_back("min_weight", ctx.arg(c));
    } else if (k == "hysteresis") {
      quorum.emplace_back("hysteresis", ctx.arg(c));
    } else if (k == "quorum_up" || k == "quorum_down") {
      quorum.emplace_back(k.substr(7), toml_string_array(split_command(joined(c))));
    } else if (k == "ops") {
      flags.emplace_back("one-packet");
    } else if (k == "sh-port" || k == "sh-fallback" || k == "mh-port" || k == "mh-fallback") {
      flags.push_back(k);
    } else if (k == "virtualhost") {
      virtualhost = ctx.arg(c);
    } else if (k == "inhibit_on_failure") {
      drain = true;
    } else if (k != "real_server") {
      ctx.skip(c, "no lbd equivalent for virtual servers");
    }
  }
  // Real servers first, so a service-wide inhibit_on_failure found on them decides on_failure.
  std::string servers;
  for (const auto& rs : n.children) {
    if (rs.keyword != "real_server") continue;
    std::string rs_ip = rs.args.empty() ? "" : rs.args[0];
    std::string rs_port = rs.args.size() > 1 ? rs.args[1] : "";
    servers +=
        fmt::format("\n[[virtual_server.real_server]]\naddress = {}\n", toml_string(endpoint_text(rs_ip, rs_port)));
    std::string check;
    fields notify;
    for (const auto& c : rs.children) {
      const auto& k = c.keyword;
      if (k == "weight") {
        servers += fmt::format("weight = {}\n", ctx.arg(c));
      } else if (k == "uthreshold") {
        servers += fmt::format("upper_threshold = {}\n", ctx.arg(c));
      } else if (k == "lthreshold") {
        servers += fmt::format("lower_threshold = {}\n", ctx.arg(c));
      } else if (k == "inhibit_on_failure") {
        drain = true;
      } else if (k == "notify_up" || k == "notify_down") {
        notify.emplace_back(k.substr(7), toml_string_array(split_command(joined(c))));
      } else if (k == "TCP_CHECK" || k == "HTTP_GET" || k == "SSL_GET" || k == "MISC_CHECK" || k == "DNS_CHECK" ||
                 k == "SMTP_CHECK" || k == "UDP_CHECK" || k == "PING_CHECK" || k == "FILE_CHECK" || k == "BFD_CHECK") {
        if (!check.empty()) {
          ctx.skip(c, "lbd runs one check per real server; only the first checker is converted");
          continue;
        }
        check = convert_checker(ctx, c, rs_ip, interval, virtualhost);
      } else {
        ctx.skip(c, "no lbd equivalent for real servers");
      }
    }
    if (check.empty()) check = toml_inline_table({{"type", toml_string("none")}});
    if (!notify.empty()) servers += "notify = " + toml_inline_table(notify) + "\n";
    servers += "check = " + check + "\n";
  }
  auto& o = ctx.out;
  o += fmt::format("\n# from {}\n[[virtual_server]]\nname = {}\n", n.where(), toml_string(name));
  if (fwmark) {
    o += fmt::format("fwmark = {}\n", port);
  } else {
    o += fmt::format("address = {}\n", toml_string(endpoint_text(ip, port)));
  }
  o += lines;
  // keepalived removes a failed server unless inhibit_on_failure keeps it at weight 0.
  o += fmt::format("on_failure = {}\n", toml_string(drain ? "drain" : "remove"));
  if (!flags.empty()) o += fmt::format("scheduler_flags = {}\n", toml_string_array(flags));
  if (!persistence.empty()) o += fmt::format("persistence = {}\n", toml_inline_table(persistence));
  if (!quorum.empty()) o += fmt::format("quorum = {}\n", toml_inline_table(quorum));
  o += servers;
}

}  // namespace lbd::import

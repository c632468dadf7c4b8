// SPDX-License-Identifier: GPL-2.0-or-later
// keepalived's checkers (keepalived/check/check_*.c) as lbd check tables. keepalived marks a server
// down after `retry` + 1 failures in a row (the first failure, then `retry` retries spaced by
// delay_before_retry), up after one success, and starts it up unless `alpha` is set; those become
// fall, rise = 1, retry_delay and initial_state, so the timing is the same.
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "common/duration.hpp"
#include "import/keepalived_convert.hpp"
#include "import/toml_writer.hpp"

namespace lbd::import {
namespace {

using fields = std::vector<std::pair<std::string, std::string>>;

// keepalived's `retry` default per checker: check_api.c 1, check_misc.c 0, check_dns.c 3.
unsigned default_retry(const std::string& type) {
  if (type == "MISC_CHECK") return 0;
  if (type == "DNS_CHECK") return 3;
  return 1;
}

// keepalived's delay_before_retry default: 3s for HTTP_GET/SSL_GET, delay_loop for DNS_CHECK, else 1s.
std::string default_retry_delay(const std::string& type, const std::string& interval) {
  if (type == "HTTP_GET" || type == "SSL_GET") return "3s";
  if (type == "DNS_CHECK") return interval;
  return "1s";
}

void convert_url(kad_context& ctx, const kad_node& u, fields& extra) {
  std::vector<std::string> codes;
  for (const auto& k : u.children) {
    if (k.keyword == "path") {
      extra.emplace_back("path", toml_string(ctx.arg(k)));
    } else if (k.keyword == "status_code") {
      for (const auto& code : k.args) codes.push_back(code.find('-') != std::string::npos ? toml_string(code) : code);
    } else if (k.keyword == "digest") {
      ctx.refuse(k, "MD5 body digests have no lbd equivalent (lbd has body_sha256: compute the SHA-256 of the body)");
    } else if (k.keyword == "regex") {
      extra.emplace_back("body_regex", toml_string(k.joined_args()));
    } else if (k.keyword == "virtualhost") {
      extra.emplace_back("host", toml_string(ctx.arg(k)));
    } else {
      ctx.refuse(k, "no lbd equivalent in HTTP checks");
    }
  }
  // keepalived accepts any 2xx when a url names no status_code (check_http.c, HTTP_DEFAULT_STATUS_CODE_*).
  if (codes.empty()) codes.push_back(toml_string("200-299"));
  std::string list = "[";
  for (std::size_t i = 0; i < codes.size(); ++i) list += (i > 0 ? ", " : "") + codes[i];
  extra.emplace_back("expect_status", list + "]");
}

// The longest lbd timeout below `interval`: keepalived lets a probe take the whole interval
// (it waits delay_loop after a probe ends), lbd requires timeout < interval.
std::string just_under(const std::string& interval) {
  auto i = parse_duration(interval);
  if (!i) return "1s";
  auto step = std::max<std::chrono::milliseconds>(std::chrono::duration_cast<std::chrono::milliseconds>(*i) / 10,
                                                  std::chrono::milliseconds(1));
  return format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(*i) - step);
}

// keepalived's UDP_CHECK payload is hex; lbd's udp `send` is text. "" when not printable text.
std::string printable_from_hex(const std::string& hex) {
  std::string out;
  if (hex.size() % 2 != 0) return {};
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    char* end = nullptr;
    std::string pair = hex.substr(i, 2);
    long v = std::strtol(pair.c_str(), &end, 16);
    if (end != pair.c_str() + 2 || v < 0x20 || v > 0x7e) return {};
    out += static_cast<char>(v);
  }
  return out;
}

}  // namespace

bool read_checker_default(kad_context& ctx, const kad_node& n, checker_defaults& d) {
  const auto& k = n.keyword;
  if (k == "delay_loop") {
    d.interval = seconds_to_duration(ctx.arg(n));
  } else if (k == "alpha") {
    d.alpha = n.args.empty() || n.args[0] != "no";
  } else if (k == "connect_timeout") {
    d.timeout = seconds_to_duration(ctx.arg(n));
  } else if (k == "retry") {
    d.retry = ctx.arg(n);
  } else if (k == "delay_before_retry") {
    d.retry_delay = seconds_to_duration(ctx.arg(n));
  } else {
    return false;
  }
  return true;
}

std::string convert_checker(kad_context& ctx, const kad_node& c, const std::string& rs_ip, const checker_defaults& d) {
  fields f;
  fields extra;
  const std::string& type = c.keyword;
  std::string timeout = d.timeout;
  std::string interval = d.interval;
  std::string retry_delay = d.retry_delay;
  unsigned retry =
      d.retry.empty() ? default_retry(type) : static_cast<unsigned>(std::strtoul(d.retry.c_str(), nullptr, 10));
  bool alpha = d.alpha;
  std::string connect_ip = rs_ip;
  std::string connect_port;
  if (type == "TCP_CHECK") {
    f.emplace_back("type", toml_string("tcp"));
  } else if (type == "HTTP_GET" || type == "SSL_GET") {
    f.emplace_back("type", toml_string(type == "HTTP_GET" ? "http" : "https"));
    if (!d.virtualhost.empty()) extra.emplace_back("host", toml_string(d.virtualhost));
    // keepalived never verifies certificates: verify = false keeps that.
    if (type == "SSL_GET") extra.emplace_back("tls", toml_inline_table({{"verify", "false"}}));
  } else if (type == "MISC_CHECK") {
    f.emplace_back("type", toml_string("script"));
    connect_ip.clear();
  } else if (type == "DNS_CHECK") {
    f.emplace_back("type", toml_string("dns"));
    // check_dns.c takes any NOERROR answer, with or without records.
    extra.emplace_back("require_answer", "false");
  } else if (type == "UDP_CHECK") {
    f.emplace_back("type", toml_string("udp"));
  } else {
    ctx.refuse(c, "checker type has no lbd equivalent; the server is always up (check type none)");
    return {};
  }
  bool first_url = true;
  bool has_name = false;
  std::string payload;
  bool has_payload = false;
  bool sni = false;
  bool require_reply = false;
  for (const auto& k : c.children) {
    const auto& kw = k.keyword;
    if (kw == "url" && (type == "HTTP_GET" || type == "SSL_GET")) {
      if (!first_url) {
        ctx.refuse(k, "lbd checks one URL per real server; only the first url is converted");
        continue;
      }
      first_url = false;
      convert_url(ctx, k, extra);
    } else if (kw == "connect_timeout" || (kw == "misc_timeout" && type == "MISC_CHECK")) {
      timeout = seconds_to_duration(ctx.arg(k));
    } else if (kw == "retry" || kw == "nb_get_retry") {
      retry = static_cast<unsigned>(std::strtoul(ctx.arg(k).c_str(), nullptr, 10));
    } else if (kw == "delay_before_retry") {
      retry_delay = seconds_to_duration(ctx.arg(k));
    } else if (kw == "delay_loop") {
      interval = seconds_to_duration(ctx.arg(k));
    } else if (kw == "alpha") {
      alpha = k.args.empty() || k.args[0] != "no";
    } else if (kw == "connect_port") {
      connect_port = ctx.arg(k);
    } else if (kw == "connect_ip") {
      connect_ip = ctx.arg(k);
    } else if (kw == "misc_path" && type == "MISC_CHECK") {
      extra.emplace_back("command", toml_string_array(split_command(k.joined_args())));
    } else if (kw == "user" && type == "MISC_CHECK") {
      extra.emplace_back("user", toml_string(ctx.arg(k)));
      if (k.args.size() > 1) extra.emplace_back("group", toml_string(k.args[1]));
    } else if (kw == "misc_dynamic" && type == "MISC_CHECK") {
      // Exit 0 up with the configured weight, 1 down, 2-255 up with weight code - 2: the same rule.
      extra.emplace_back("dynamic_weight", toml_inline_table({{"from", toml_string("exit_code")}}));
    } else if (kw == "enable_sni" && type == "SSL_GET") {
      sni = k.args.empty() || k.args[0] != "no";
    } else if (kw == "name" && type == "DNS_CHECK") {
      has_name = true;
      extra.emplace_back("name", toml_string(ctx.arg(k)));
    } else if (kw == "type" && type == "DNS_CHECK") {
      extra.emplace_back("query_type", toml_string(ctx.arg(k)));
    } else if (kw == "payload" && type == "UDP_CHECK") {
      has_payload = true;
      payload = printable_from_hex(ctx.arg(k));
      if (payload.empty()) ctx.refuse(k, "lbd's udp check sends text; these bytes are not printable: set send by hand");
    } else if (kw == "require_reply" && type == "UDP_CHECK") {
      require_reply = true;
      if (!k.args.empty())
        ctx.refuse(k, "a hex reply pattern has no lbd equivalent (expect is text); any reply counts");
    } else {
      ctx.refuse(k, fmt::format("no lbd equivalent in {} checks", f.front().second));
    }
  }
  // lbd sends the Host as SNI when it is a name; keepalived sends SNI only with enable_sni.
  bool named_host = std::any_of(extra.begin(), extra.end(), [](const auto& e) { return e.first == "host"; });
  if (type == "SSL_GET" && named_host && !sni) {
    ctx.change(c,
               "keepalived sends no SNI without enable_sni; lbd sends the virtualhost as SNI (tls.sni cannot be "
               "turned off)");
  }
  if (type == "DNS_CHECK" && !has_name) extra.emplace_back("name", toml_string("."));  // check_dns.c default
  if (type == "UDP_CHECK") {
    // Without require_reply keepalived counts a server up unless an ICMP error comes back: the same
    // as require_reply = false, which also sends an empty datagram.
    if (!require_reply) {
      extra.emplace_back("send", toml_string(payload));
      extra.emplace_back("require_reply", "false");
    } else {
      extra.emplace_back("send", toml_string(payload.empty() ? "\n" : payload));
      if (!has_payload) {
        ctx.change(c,
                   "keepalived sends an empty datagram without payload; a udp check waiting for a reply sends "
                   "\"\\n\"");
      }
    }
  }
  if (timeout.empty()) {
    // connect_timeout defaults to 5s (check_data.c); a MISC_CHECK's misc_timeout to delay_loop.
    timeout = type == "MISC_CHECK" ? interval : "5s";
  }
  if (retry_delay.empty()) retry_delay = default_retry_delay(type, interval);
  auto t = parse_duration(timeout);
  auto i = parse_duration(interval);
  if (t && i && *t >= *i) {
    std::string shorter = just_under(interval);
    ctx.change(c, fmt::format("timeout {} is not shorter than the interval {} (keepalived waits delay_loop after a "
                              "probe ends, lbd runs probes interval apart): timeout lowered to {}",
                              timeout, interval, shorter));
    timeout = shorter;
  }
  f.emplace_back("interval", toml_string(interval));
  f.emplace_back("timeout", toml_string(timeout));
  f.emplace_back("rise", "1");
  f.emplace_back("fall", std::to_string(retry + 1));
  f.emplace_back("initial_state", toml_string(alpha ? "down" : "up"));
  f.emplace_back("retry_delay", toml_string(retry_delay.empty() || retry_delay == "0s" ? interval : retry_delay));
  if (!connect_ip.empty() && (!connect_port.empty() || connect_ip != rs_ip)) {
    f.emplace_back("connect_to", toml_string(endpoint_text(connect_ip, connect_port)));
  }
  for (auto& e : extra) f.push_back(std::move(e));
  return toml_inline_table(f);
}

}  // namespace lbd::import

// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/services/check_conversion.hpp"

#include <array>
#include <string_view>

namespace lbd::daemon {
namespace {

namespace hc = healthcheck;

hc::http_params convert(const config::http_check_params& h, bool tls) {
  hc::http_params out;
  out.tls = tls;
  out.method = h.method;
  out.path = h.path;
  out.host = h.host;
  for (const auto& [name, value] : h.headers) out.headers.push_back(name + ": " + value);
  out.expect_status.clear();
  for (const auto& r : h.expect_status) out.expect_status.push_back(hc::status_range{r.first, r.last});
  out.body_regex = h.body_regex;
  out.body_sha256 = h.body_sha256;
  out.max_body = h.max_body_bytes;
  out.verify = h.tls.verify;
  out.ca_file = h.tls.ca_file;
  out.sni = h.tls.sni;
  out.client_cert = h.tls.client_cert;
  out.client_key = h.tls.client_key;
  return out;
}

hc::check_params convert_params(const config::check_spec& c) {
  switch (c.type) {
    case config::check_type::tcp: {
      const auto* p = std::get_if<config::tcp_check_params>(&c.params);
      return p != nullptr ? hc::tcp_params{p->send, p->expect} : hc::tcp_params{};
    }
    case config::check_type::http:
    case config::check_type::https: {
      const auto* p = std::get_if<config::http_check_params>(&c.params);
      return convert(p != nullptr ? *p : config::http_check_params{}, c.type == config::check_type::https);
    }
    case config::check_type::script: {
      hc::script_params s;
      if (const auto* p = std::get_if<config::script_check_params>(&c.params)) {
        s.argv = p->command;
        if (p->weight) {
          // lbd.conf: "the script prints a weight on stdout; lbd clamps it to the range".
          s.dynamic_weight = hc::weight_source::stdout_line;
          s.min_weight = p->weight->min;
          s.max_weight = p->weight->max;
        }
      }
      return s;
    }
    case config::check_type::udp: {
      hc::udp_params u;
      if (const auto* p = std::get_if<config::udp_check_params>(&c.params)) {
        u.payload = p->send;
        u.expect_prefix = p->expect;
      }
      return u;
    }
    case config::check_type::dns: {
      hc::dns_params d;
      if (const auto* p = std::get_if<config::dns_check_params>(&c.params)) {
        d.name = p->name;
        d.type = p->query_type;
        // NOERROR means a usable answer: the prober's default also wants at least one record.
        if (p->expect_rcode != "NOERROR") d.expect_rcode = dns_rcode(p->expect_rcode);
      }
      return d;
    }
    case config::check_type::none: break;
  }
  return hc::tcp_params{};
}

}  // namespace

std::optional<unsigned> dns_rcode(std::string_view name) {
  static constexpr std::array<std::string_view, 6> names{"NOERROR",  "FORMERR", "SERVFAIL",
                                                         "NXDOMAIN", "NOTIMP",  "REFUSED"};
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<unsigned>(i);
  }
  return std::nullopt;
}

std::optional<healthcheck::check_spec> to_check_spec(const config::check_spec& check, const endpoint& server) {
  if (check.type == config::check_type::none) return std::nullopt;
  hc::check_spec s;
  s.target = check.connect_to.value_or(server);
  s.params = convert_params(check);
  s.timing.interval = check.interval;
  s.timing.timeout = check.timeout;
  s.timing.retry_delay = check.retry_delay;
  s.thresholds.rise = check.rise;
  s.thresholds.fall = check.fall;
  s.thresholds.initial = check.initially_up ? hc::health::up : hc::health::down;
  return s;
}

}  // namespace lbd::daemon

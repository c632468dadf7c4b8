// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/check_spec.hpp"

#include <fmt/format.h>

#include <array>

#include "common/duration.hpp"

namespace lbd::healthcheck {
namespace {

// Length-prefixed so that no field value can imitate a field separator.
void add(std::string& key, std::string_view name, std::string_view value) {
  key += fmt::format(" {}={}:{}", name, value.size(), value);
}

void add_route(std::string& key, const probe_route& r) {
  if (r.fwmark == 0) return;
  add(key, "fwmark", std::to_string(r.fwmark));
  add(key, "via", r.via.to_string());
}

void add_params(std::string& key, const tcp_params& p) {
  add_route(key, p.route);
  add(key, "send", p.send);
  add(key, "expect", p.expect);
}

void add_params(std::string& key, const http_params& p) {
  add_route(key, p.route);
  add(key, "method", p.method);
  add(key, "path", p.path);
  add(key, "host", p.host);
  for (const auto& h : p.headers) add(key, "header", h);
  for (const auto& r : p.expect_status) add(key, "status", fmt::format("{}-{}", r.lo, r.hi));
  add(key, "body_regex", p.body_regex);
  add(key, "body_sha256", p.body_sha256);
  add(key, "max_body", std::to_string(p.max_body));
  if (p.tls) {
    add(key, "verify", p.verify ? "1" : "0");
    add(key, "ca_file", p.ca_file);
    add(key, "sni", p.sni);
    add(key, "client_cert", p.client_cert);
    add(key, "client_key", p.client_key);
  }
}

void add_params(std::string& key, const script_params& p) {
  for (const auto& a : p.argv) add(key, "arg", a);
  add(key, "dynamic_weight", std::to_string(static_cast<int>(p.dynamic_weight)));
  add(key, "weight_range", fmt::format("{}-{}", p.min_weight, p.max_weight));
}

void add_params(std::string& key, const udp_params& p) {
  add(key, "payload", p.payload);
  add(key, "expect_prefix", p.expect_prefix);
}

void add_params(std::string& key, const dns_params& p) {
  add(key, "name", p.name);
  add(key, "qtype", p.type);
  add(key, "rcode", p.expect_rcode ? std::to_string(*p.expect_rcode) : "answer");
}

void add_params(std::string& /*key*/, const no_check& /*p*/) {}

constexpr std::array<std::string_view, 6> rcode_names{"NOERROR",  "FORMERR", "SERVFAIL",
                                                      "NXDOMAIN", "NOTIMP",  "REFUSED"};

}  // namespace

std::optional<check_spec> bind_check(const check_settings& s, const endpoint& server, const data_path_target* dp) {
  if (std::holds_alternative<no_check>(s.params)) return std::nullopt;
  check_spec spec{s.connect_to.value_or(server), s.params, s.timing, s.thresholds};
  if (!s.data_path || dp == nullptr) return spec;
  const probe_route route{dp->fwmark, server.address};
  if (auto* t = std::get_if<tcp_params>(&spec.params)) {
    t->route = route;
  } else if (auto* h = std::get_if<http_params>(&spec.params)) {
    h->route = route;
  } else {
    return spec;  // the loader allows data_path on tcp, http and https only
  }
  spec.target.address = dp->vip;
  return spec;
}

const probe_route* route_of(const check_params& p) {
  const probe_route* r = nullptr;
  if (const auto* t = std::get_if<tcp_params>(&p)) r = &t->route;
  if (const auto* h = std::get_if<http_params>(&p)) r = &h->route;
  return r != nullptr && r->fwmark != 0 ? r : nullptr;
}

bool probes_network(const check_params& p) {
  return !std::holds_alternative<no_check>(p) && !std::holds_alternative<script_params>(p);
}

std::optional<unsigned> dns_rcode(std::string_view name) {
  for (std::size_t i = 0; i < rcode_names.size(); ++i) {
    if (rcode_names[i] == name) return static_cast<unsigned>(i);
  }
  return std::nullopt;
}

std::string_view dns_rcode_spelling(unsigned rcode) { return rcode < rcode_names.size() ? rcode_names[rcode] : ""; }

std::string type_name(const check_params& p) {
  switch (p.index()) {
    case 0: return "tcp";
    case 1: return std::get<http_params>(p).tls ? "https" : "http";
    case 2: return "script";
    case 3: return "udp";
    case 4: return "dns";
    case 5: return "none";
    default: return "?";
  }
}

std::string display_name(const check_spec& s) {
  std::string name = type_name(s.params) + " " + to_string(s.target);
  // Two servers' data-path checks share the target (the VIP): the route tells them apart.
  if (const auto* r = route_of(s.params)) name += fmt::format(" via {} fwmark {}", r->via.to_string(), r->fwmark);
  return name;
}

std::string canonical_key(const check_spec& s) {
  std::string key = display_name(s);
  add(key, "interval", format_duration(s.timing.interval));
  add(key, "timeout", format_duration(s.timing.timeout));
  add(key, "retry_delay", format_duration(s.timing.retry_delay));
  add(key, "rise", std::to_string(s.thresholds.rise));
  add(key, "fall", std::to_string(s.thresholds.fall));
  add(key, "initial", to_string(s.thresholds.initial));
  std::visit([&](const auto& p) { add_params(key, p); }, s.params);
  return key;
}

}  // namespace lbd::healthcheck

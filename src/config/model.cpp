// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/model.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "config/names.hpp"

namespace lbd::config {

check_settings default_check() {
  check_settings c;
  c.timing.interval = std::chrono::seconds(2);
  c.timing.timeout = std::chrono::seconds(1);
  c.timing.retry_delay = c.timing.interval;
  c.thresholds.rise = 2;
  c.thresholds.fall = 3;
  c.thresholds.initial = healthcheck::health::down;
  return c;
}

check_type type_of(const check_params& p) {
  namespace hc = healthcheck;
  if (std::holds_alternative<hc::tcp_params>(p)) return check_type::tcp;
  if (const auto* h = std::get_if<hc::http_params>(&p)) return h->tls ? check_type::https : check_type::http;
  if (std::holds_alternative<hc::script_params>(p)) return check_type::script;
  if (std::holds_alternative<hc::udp_params>(p)) return check_type::udp;
  if (std::holds_alternative<hc::dns_params>(p)) return check_type::dns;
  return check_type::none;
}

const shared_checks& default_shared_checks() {
  static const shared_checks shared = std::make_shared<const check_list>(check_list{default_check()});
  return shared;
}

bool operator==(const real_server& a, const real_server& b) {
  return a.address == b.address && a.weight == b.weight && a.upper_threshold == b.upper_threshold &&
         a.lower_threshold == b.lower_threshold && a.method == b.method &&
         (a.checks == b.checks || *a.checks == *b.checks) && a.notify == b.notify && a.agent == b.agent &&
         a.slow_start == b.slow_start;
}

bool operator==(const virtual_server& a, const virtual_server& b) {
  return a.name == b.name && a.address == b.address && a.fwmark == b.fwmark && a.more_addresses == b.more_addresses &&
         a.more_fwmarks == b.more_fwmarks && a.family == b.family && a.proto == b.proto && a.sched == b.sched &&
         a.flags == b.flags && a.method == b.method && a.tunnel == b.tunnel && a.persistence == b.persistence &&
         a.on_failure == b.on_failure && a.quorum == b.quorum && a.outliers == b.outliers &&
         a.slow_start == b.slow_start && a.sorry_server == b.sorry_server &&
         (a.checks == b.checks || *a.checks == *b.checks) && a.agent == b.agent && a.vrrp == b.vrrp &&
         a.anycast == b.anycast && a.real_servers == b.real_servers;
}

std::vector<std::string> entry_points(const virtual_server& vs) {
  std::vector<std::string> out;
  if (vs.address) {
    out.push_back(fmt::format("{} {}", to_string(vs.proto), to_string(*vs.address)));
    for (const auto& a : vs.more_addresses) out.push_back(fmt::format("{} {}", to_string(vs.proto), to_string(a)));
  } else if (vs.fwmark) {
    out.push_back(fmt::format("fwmark {} {}", *vs.fwmark, to_string(vs.family)));
    for (auto m : vs.more_fwmarks) out.push_back(fmt::format("fwmark {} {}", m, to_string(vs.family)));
  }
  return out;
}

const vrrp_instance* config::find_vrrp(std::string_view name) const {
  auto it = std::find_if(vrrp.begin(), vrrp.end(), [&](const vrrp_instance& v) { return v.name == name; });
  return it == vrrp.end() ? nullptr : &*it;
}

const virtual_server* config::find_virtual_server(std::string_view name) const {
  auto it = std::find_if(virtual_servers.begin(), virtual_servers.end(),
                         [&](const virtual_server& v) { return v.name == name; });
  return it == virtual_servers.end() ? nullptr : &*it;
}

std::string to_string(const address_pool& p) {
  return p.first == p.last ? p.first.to_string() : p.first.to_string() + "-" + p.last.to_string();
}

}  // namespace lbd::config

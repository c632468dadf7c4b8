// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl/doctor/rules_fullnat.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>

namespace lbd::ctl::doctor {
namespace {

constexpr const char* conntrack_max = "net.netfilter.nf_conntrack_max";
constexpr const char* conntrack_count = "net.netfilter.nf_conntrack_count";
constexpr const char* time_wait = "net.netfilter.nf_conntrack_tcp_timeout_time_wait";

std::optional<std::uint64_t> number(const facts& f, const char* key) {
  const auto it = f.sysctls.find(key);
  if (it == f.sysctls.end()) return std::nullopt;
  std::uint64_t v = 0;
  const auto* end = it->second.data() + it->second.size();
  const auto [p, ec] = std::from_chars(it->second.data(), end, v);
  if (ec != std::errc() || p != end) return std::nullopt;
  return v;
}

std::vector<std::string> fullnat_services(const config::config& cfg, config::address_family family) {
  std::vector<std::string> names;
  for (const auto& vs : cfg.virtual_servers) {
    if (vs.method == config::forwarding::fullnat && vs.family == family) names.push_back(vs.name);
  }
  return names;
}

void check_sysctls(const std::vector<std::string>& services, const facts& f, std::vector<finding>& out) {
  struct wanted {
    const char* key;
    severity level;
    const char* consequence;
  };
  const wanted list[] = {
      {"net.ipv4.vs.conntrack", severity::error,
       "IPVS connections are not tracked, so lbd's source NAT never sees them and the real servers answer "
       "the client directly"},
      {"net.ipv4.vs.expire_nodest_conn", severity::warning,
       "connections to a removed real server hang until they time out instead of being reset"},
      {"net.ipv4.vs.expire_quiescent_template", severity::warning,
       "persistent clients keep going to a real server at weight 0 until the template expires"},
  };
  const auto names = fmt::format("{}", fmt::join(services, ", "));
  for (const auto& w : list) {
    const auto it = f.sysctls.find(w.key);
    if (it == f.sysctls.end()) {
      out.push_back(
          {severity::warning, "fullnat",
           fmt::format("{} cannot be read (ip_vs not loaded): not checked for fullnat services ({})", w.key, names),
           "run lbctl doctor again once lbd has started (it loads ip_vs and sets it)"});
    } else if (it->second == "1") {
      out.push_back({severity::ok, "fullnat", fmt::format("{} is 1 (fullnat services)", w.key), ""});
    } else {
      out.push_back({w.level, "fullnat",
                     fmt::format("{} is {} with fullnat services ({}): {}", w.key, it->second, names, w.consequence),
                     fmt::format("lbd sets it at start and at every reconcile pass: is lbd running? Else sysctl -w "
                                 "{}=1",
                                 w.key)});
    }
  }
}

void check_conntrack(const facts& f, std::vector<finding>& out) {
  const auto max = number(f, conntrack_max);
  const auto count = number(f, conntrack_count);
  if (!max) {
    out.push_back({severity::warning, "fullnat",
                   fmt::format("{} cannot be read (nf_conntrack not loaded): the conntrack table, which holds an "
                               "entry per fullnat connection, is not checked",
                               conntrack_max),
                   "run lbctl doctor again once lbd has started"});
    return;
  }
  if (count && *count * 10 >= *max * 8) {
    out.push_back(
        {severity::warning, "fullnat",
         fmt::format("the conntrack table holds {} of {} entries: when it is full, new connections (fullnat "
                     "ones among them) are dropped",
                     *count, *max),
         fmt::format("sysctl -w {}={} (and raise nf_conntrack's hashsize with it)", conntrack_max, *max * 2)});
    return;
  }
  out.push_back({severity::ok, "fullnat",
                 count ? fmt::format("the conntrack table holds {} of {} entries", *count, *max)
                       : fmt::format("the conntrack table holds up to {} entries", *max),
                 ""});
}

void check_pool(const config::config& cfg, config::address_family family, const facts& f, std::vector<finding>& out) {
  const auto services = fullnat_services(cfg, family);
  const auto& pool = cfg.ipvs.fullnat.pool_of(family);
  if (services.empty() || !pool) return;
  const auto at_once = pool_size(*pool) * snat_ports;
  const auto linger = number(f, time_wait).value_or(120);
  const char* key = family == config::address_family::inet ? "fullnat_pool4" : "fullnat_pool6";
  // A connection's (LIP, port) pair is taken towards one real server's address and port until its
  // conntrack entry ends: TIME_WAIT keeps it for `linger` seconds after a close.
  out.push_back({severity::ok, "fullnat",
                 fmt::format("{} {}: {} addresses x {} source ports = {} connections at once to each real server, "
                             "about {} new connections/s to each sustained (TIME_WAIT keeps a port {} s); "
                             "services: {}",
                             key, config::to_string(*pool), pool_size(*pool), snat_ports, at_once,
                             at_once / std::max<std::uint64_t>(linger, 1), linger, fmt::join(services, ", ")),
                 ""});
  // Services that send to the same real server address and port share its (LIP, port) pairs.
  std::map<endpoint, std::vector<std::string>> users;
  for (const auto& vs : cfg.virtual_servers) {
    if (vs.method != config::forwarding::fullnat || vs.family != family) continue;
    for (const auto& rs : vs.real_servers) users[rs.address].push_back(vs.name);
  }
  for (const auto& [server, names] : users) {
    if (names.size() < 2) continue;
    out.push_back({severity::ok, "fullnat",
                   fmt::format("real server {} takes the connections of {} fullnat services ({}): they share its {}",
                               to_string(server), names.size(), fmt::join(names, ", "), at_once),
                   ""});
  }
}

}  // namespace

std::uint64_t pool_size(const config::address_pool& p) {
  const auto bytes = [](const ip_address& a) {
    std::array<unsigned char, 16> b{};
    if (a.is_v4()) {
      const auto v4 = a.to_v4().to_bytes();
      std::copy(v4.begin(), v4.end(), b.begin() + 12);
    } else {
      b = a.to_v6().to_bytes();
    }
    return b;
  };
  const auto first = bytes(p.first);
  const auto last = bytes(p.last);
  // Saturate: a pool of more than 2^32 addresses carries more than any conntrack table holds.
  for (std::size_t i = 0; i < 12; ++i) {
    if (first[i] != last[i]) return std::uint64_t{1} << 32;
  }
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  for (std::size_t i = 12; i < 16; ++i) {
    a = a << 8 | first[i];
    b = b << 8 | last[i];
  }
  return b - a + 1;
}

std::vector<std::string> fullnat_survey_sysctls(const config::config& cfg) {
  const bool any = std::any_of(cfg.virtual_servers.begin(), cfg.virtual_servers.end(),
                               [](const auto& vs) { return vs.method == config::forwarding::fullnat; });
  if (!any) return {};
  return {conntrack_max, conntrack_count, time_wait};
}

void check_fullnat(const config::config& cfg, const facts& f, std::vector<finding>& out) {
  std::vector<std::string> all = fullnat_services(cfg, config::address_family::inet);
  const auto v6 = fullnat_services(cfg, config::address_family::inet6);
  all.insert(all.end(), v6.begin(), v6.end());
  if (all.empty()) return;
  check_sysctls(all, f, out);
  check_conntrack(f, out);
  check_pool(cfg, config::address_family::inet, f, out);
  check_pool(cfg, config::address_family::inet6, f, out);
}

}  // namespace lbd::ctl::doctor

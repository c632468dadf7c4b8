// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl/doctor/rules.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "config/names.hpp"
#include "ctl/doctor/rules_firewall.hpp"
#include "ctl/doctor/rules_fullnat.hpp"

namespace lbd::ctl::doctor {
namespace {

constexpr const char* ip_forward = "net.ipv4.ip_forward";
constexpr const char* ip6_forward = "net.ipv6.conf.all.forwarding";
constexpr const char* vs_conntrack = "net.ipv4.vs.conntrack";
constexpr const char* vs_expire_nodest = "net.ipv4.vs.expire_nodest_conn";
constexpr const char* vs_expire_template = "net.ipv4.vs.expire_quiescent_template";

bool probes_over_tcp(const config::check_settings& c) {
  return std::holds_alternative<healthcheck::tcp_params>(c.params) ||
         std::holds_alternative<healthcheck::http_params>(c.params);
}

// Where doctor connects for a real server: where its first TCP or HTTP check connects, else the
// server itself when the service is TCP with a port (UDP, SCTP and port-less fwmark servers cannot
// be tried with a TCP connect).
std::optional<endpoint> probe_of(const config::virtual_server& vs, const config::real_server& rs) {
  // An unset connect_to is the server itself; the loader rejects that without a port.
  for (const auto& c : *rs.checks) {
    if (probes_over_tcp(c) && (c.connect_to || rs.address.port != 0)) return c.connect_to.value_or(rs.address);
  }
  if (vs.proto == config::protocol::tcp && rs.address.port != 0) return rs.address;
  return std::nullopt;
}

bool uses_nat(const config::virtual_server& vs) {
  return std::any_of(vs.real_servers.begin(), vs.real_servers.end(),
                     [](const config::real_server& rs) { return config::translates_port(rs.method); });
}

std::string names_of(const std::vector<const config::virtual_server*>& services) {
  std::vector<std::string> names;
  for (const auto* vs : services) names.push_back(vs->name);
  return fmt::format("{}", fmt::join(names, ", "));
}

const std::string* sysctl(const facts& f, const std::string& key) {
  auto it = f.sysctls.find(key);
  return it == f.sysctls.end() ? nullptr : &it->second;
}

bool has_module(const module_facts& m, const std::string& name) {
  return m.loaded.count(name) != 0 || m.builtin.count(name) != 0 || m.available.count(name) != 0;
}

void check_modules(const config::config& cfg, const facts& f, std::vector<finding>& out) {
  const auto& m = f.modules;
  if (cfg.virtual_servers.empty()) return;
  bool loaded = m.ipvs_in_kernel || m.loaded.count("ip_vs") != 0;
  if (loaded) {
    out.push_back({severity::ok, "ipvs-modules", "ip_vs is loaded (/proc/net/ip_vs present)", ""});
  } else if (m.available.count("ip_vs") != 0) {
    out.push_back({severity::ok, "ipvs-modules",
                   fmt::format("ip_vs is not loaded but can be: it is in /lib/modules/{} (the kernel loads it when "
                               "lbd first talks to IPVS)",
                               m.kernel_release),
                   ""});
  } else if (!m.modules_dir_present) {
    out.push_back({severity::error, "ipvs-modules",
                   fmt::format("IPVS is unavailable: ip_vs is not loaded nor built in, and kernel {} has no modules "
                               "directory /lib/modules/{} to load it from",
                               m.kernel_release, m.kernel_release),
                   "boot a kernel with IPVS (CONFIG_IP_VS), e.g. Debian's linux-image-amd64, or install this kernel's "
                   "modules"});
    return;
  } else {
    out.push_back({severity::error, "ipvs-modules",
                   fmt::format("IPVS is unavailable: ip_vs is not loaded, not built in, and not in /lib/modules/{}",
                               m.kernel_release),
                   "use a kernel built with CONFIG_IP_VS=m or =y"});
    return;
  }
  // Schedulers are separate modules the kernel loads when a service first uses one.
  std::map<std::string, std::vector<const config::virtual_server*>> schedulers;
  for (const auto& vs : cfg.virtual_servers) {
    schedulers[fmt::format("ip_vs_{}", config::to_string(vs.sched))].push_back(&vs);
  }
  for (const auto& [module, services] : schedulers) {
    if (has_module(m, module)) continue;
    if (!m.modules_dir_present) {
      out.push_back({severity::warning, "ipvs-modules",
                     fmt::format("cannot tell whether scheduler module {} (services {}) exists: no /lib/modules/{}",
                                 module, names_of(services), m.kernel_release),
                     ""});
    } else if (m.builtin_list_readable) {
      out.push_back({severity::error, "ipvs-modules",
                     fmt::format("scheduler module {} (services {}) is neither loaded, built in nor in /lib/modules/{}",
                                 module, names_of(services), m.kernel_release),
                     "choose a scheduler this kernel has, or install its module"});
    }
  }
}

void check_forwarding(const config::config& cfg, const facts& f, std::vector<finding>& out) {
  for (auto family : {config::address_family::inet, config::address_family::inet6}) {
    std::vector<const config::virtual_server*> nat;
    for (const auto& vs : cfg.virtual_servers) {
      if (vs.family == family && uses_nat(vs)) nat.push_back(&vs);
    }
    if (nat.empty()) continue;
    const std::string key = family == config::address_family::inet ? ip_forward : ip6_forward;
    const std::string* v = sysctl(f, key);
    if (v != nullptr && *v == "1") {
      out.push_back({severity::ok, "ip-forward", fmt::format("{} is 1 (NAT services: {})", key, names_of(nat)), ""});
    } else {
      out.push_back({severity::error, "ip-forward",
                     fmt::format("{} is {}: the real servers' replies to NAT services ({}) are not forwarded", key,
                                 v != nullptr ? *v : "unreadable", names_of(nat)),
                     fmt::format("sysctl -w {}=1, and keep it in /etc/sysctl.d/", key)});
    }
  }
}

void check_ipvs_sysctls(const config::config& cfg, const facts& f, std::vector<finding>& out) {
  std::vector<const config::virtual_server*> nat;
  std::vector<const config::virtual_server*> removing;
  std::vector<const config::virtual_server*> persistent;
  for (const auto& vs : cfg.virtual_servers) {
    if (uses_nat(vs)) nat.push_back(&vs);
    if (vs.on_failure == config::failure_action::remove) removing.push_back(&vs);
    if (vs.persistence) persistent.push_back(&vs);
  }
  bool forward_rules = std::any_of(f.firewall.rules.chains.begin(), f.firewall.rules.chains.end(),
                                   [](const firewall::chain& c) { return c.base == firewall::hook::forward; });
  struct wanted {
    const char* key;
    const std::vector<const config::virtual_server*>& services;
    bool relevant;
    std::string why;
    std::string consequence;
  };
  const wanted list[] = {
      {vs_conntrack, nat, !nat.empty() && forward_rules, "NAT services with netfilter forward rules",
       "the firewall sees IPVS connections as untracked, so stateful rules (ct state established) may drop the "
       "real servers' replies"},
      {vs_expire_nodest, removing, !removing.empty(), "services with on_failure = \"remove\"",
       "connections to a removed real server hang until they time out instead of being reset"},
      {vs_expire_template, persistent, !persistent.empty(), "persistent services",
       "persistent clients keep going to a real server at weight 0 (drained or failed) until the template expires"},
  };
  for (const auto& w : list) {
    if (!w.relevant) continue;
    const std::string* v = sysctl(f, w.key);
    if (v == nullptr) {
      out.push_back({severity::warning, "ipvs-sysctls",
                     fmt::format("{} cannot be read (ip_vs not loaded): not checked for {} ({})", w.key, w.why,
                                 names_of(w.services)),
                     "run lbctl doctor again once lbd has started (it loads ip_vs)"});
    } else if (*v == "1") {
      out.push_back({severity::ok, "ipvs-sysctls", fmt::format("{} is 1 ({})", w.key, w.why), ""});
    } else {
      out.push_back({severity::warning, "ipvs-sysctls",
                     fmt::format("{} is {} with {} ({}): {}", w.key, *v, w.why, names_of(w.services), w.consequence),
                     fmt::format("sysctl -w {}=1, and keep it in /etc/sysctl.d/", w.key)});
    }
  }
}

bool holds(const interface_facts& i, const prefix& p) {
  return std::any_of(i.addresses.begin(), i.addresses.end(), [&](const prefix& a) { return a.address == p.address; });
}

void check_vips(const config::config& cfg, const facts& f, std::vector<finding>& out) {
  if (f.daemon.reachable && !f.daemon.error.empty()) {
    out.push_back({severity::warning, "daemon",
                   fmt::format("lbd answers but did not list its VRRP instances: {}; VIPs not checked", f.daemon.error),
                   "upgrade lbctl to the version of the running lbd"});
    return;
  }
  if (f.daemon.reachable) {
    out.push_back({severity::ok, "daemon", "lbd is running and answers on its control socket", ""});
  } else {
    out.push_back({severity::warning, "daemon", fmt::format("lbd is not running: {}", f.daemon.error),
                   "systemctl start lbd (journalctl -u lbd says why it stopped)"});
  }
  for (const auto& v : cfg.vrrp) {
    auto it = f.interfaces.find(v.interface);
    // With use_vmac the VIPs are on the macvlan, which lbd removes when it stops.
    const auto& vip_if = v.vip_interface();
    auto vips_at = f.interfaces.find(vip_if);
    if (it == f.interfaces.end() || !it->second.present) {
      out.push_back({severity::error, "vip", fmt::format("interface {} of vrrp {} does not exist", v.interface, v.name),
                     "fix vrrp.interface in lbd.conf or bring the interface up"});
      continue;
    }
    std::optional<std::string> state;
    if (f.daemon.reachable) {
      auto s = f.daemon.vrrp_state.find(v.name);
      if (s == f.daemon.vrrp_state.end()) {
        out.push_back({severity::warning, "vip",
                       fmt::format("lbd does not run vrrp {}: its running config differs from this file", v.name),
                       "lbd --check, then lbctl reload"});
        continue;
      }
      state = s->second;
    }
    for (const auto& vip : v.virtual_ips) {
      const bool present =
          vips_at != f.interfaces.end() && vips_at->second.present && holds(vips_at->second, vip.address);
      auto addr = to_string(vip.address);
      if (!state) {
        if (present) {
          out.push_back({severity::error, "vip",
                         fmt::format("{} is on {} but lbd is not running: no VRRP guards it, and the other "
                                     "director may hold it too",
                                     addr, vip_if),
                         fmt::format("start lbd, or remove it: ip addr del {} dev {}", addr, vip_if)});
        }
        continue;
      }
      bool master = *state == "MASTER";
      if (master == present) {
        out.push_back(
            {severity::ok, "vip",
             fmt::format("{} is {} {} and vrrp {} is {}", addr, present ? "on" : "not on", vip_if, v.name, *state),
             ""});
      } else if (master) {
        out.push_back({severity::error, "vip",
                       fmt::format("vrrp {} is MASTER but {} is missing from {}: clients cannot reach the VIP", v.name,
                                   addr, vip_if),
                       "journalctl -u lbd for the cause; systemctl restart lbd puts it back"});
      } else {
        out.push_back({severity::error, "vip",
                       fmt::format("{} is on {} while vrrp {} is {}: two directors may answer for it", addr, vip_if,
                                   v.name, *state),
                       fmt::format("ip addr del {} dev {} (lbd adds it when it becomes MASTER)", addr, vip_if)});
      }
    }
  }
}

void check_real_servers(const config::config& cfg, const facts& f, std::vector<finding>& out) {
  std::map<endpoint, const probe_result*> results;
  for (const auto& p : f.probes) results[p.target] = &p;
  std::size_t reachable = 0;
  std::size_t tried = 0;
  for (const auto& vs : cfg.virtual_servers) {
    std::size_t vs_tried = 0;
    std::size_t vs_ok = 0;
    for (const auto& rs : vs.real_servers) {
      auto target = probe_of(vs, rs);
      if (!target) continue;
      auto it = results.find(*target);
      if (it == results.end()) continue;
      ++vs_tried;
      ++tried;
      if (it->second->connected) {
        ++vs_ok;
        ++reachable;
        continue;
      }
      out.push_back({severity::warning, "real-server",
                     fmt::format("{} {}: {}", vs.name, to_string(*target), it->second->error),
                     fmt::format("start the service on {} or check the route and firewalls between here and there",
                                 target->address.to_string())});
    }
    if (vs_tried > 0 && vs_ok == 0) {
      out.push_back({severity::error, "real-server",
                     fmt::format("{}: none of its {} real servers accepts a connection{}", vs.name, vs_tried,
                                 vs.sorry_server ? " (the sorry server takes the traffic)" : ""),
                     "bring at least one real server up"});
    }
  }
  if (tried > 0 && reachable > 0) {
    out.push_back({severity::ok, "real-server",
                   fmt::format("{} of {} real server endpoints accept TCP connections", reachable, tried), ""});
  }
}

}  // namespace

survey plan_survey(const config::config& cfg) {
  survey s;
  s.sysctls = {ip_forward, ip6_forward, vs_conntrack, vs_expire_nodest, vs_expire_template};
  for (auto& k : fullnat_survey_sysctls(cfg)) s.sysctls.push_back(std::move(k));
  for (const auto& v : cfg.vrrp) {
    s.interfaces.insert(v.interface);
    s.interfaces.insert(v.vip_interface());
  }
  for (const auto& vs : cfg.virtual_servers) {
    for (const auto& rs : vs.real_servers) {
      auto target = probe_of(vs, rs);
      if (target && std::find(s.probes.begin(), s.probes.end(), *target) == s.probes.end()) s.probes.push_back(*target);
    }
  }
  return s;
}

std::vector<finding> diagnose(const config::config& cfg, const facts& f) {
  std::vector<finding> out;
  auto s = plan_survey(cfg);
  check_modules(cfg, f, out);
  check_forwarding(cfg, f, out);
  check_ipvs_sysctls(cfg, f, out);
  check_fullnat(cfg, f, out);
  check_vips(cfg, f, out);
  check_firewall(cfg, f, s, out);
  check_real_servers(cfg, f, out);
  return out;
}

}  // namespace lbd::ctl::doctor

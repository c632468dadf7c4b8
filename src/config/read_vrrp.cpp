// SPDX-License-Identifier: GPL-2.0-or-later
// One [[vrrp]] instance and the rules that concern it alone.
#include <fmt/format.h>

#include <algorithm>

#include "config/read_vrrp_extras.hpp"
#include "config/sections.hpp"

namespace lbd::config::detail {
namespace {

constexpr std::int64_t ns_per_ms = 1'000'000;

// "192.0.2.10/24" or { address = "192.0.2.10/24", label = "eth0:web" }
std::optional<virtual_ip> read_virtual_ip(const value_reader& values, const toml::node& n, const std::string& where,
                                          const std::string& interface) {
  virtual_ip vip;
  if (n.is_table()) {
    table_reader r(values.sink(), *n.as_table(), where);
    const auto* a = r.get("address");
    std::optional<prefix> p;
    if (a == nullptr) {
      r.missing("address");
    } else {
      p = values.prefix_value(*a, r.where("address"));
    }
    if (auto label = r.word("label")) {
      if (p && p->address.is_v6()) {
        r.error("label", "IPv6 addresses have no labels");
      } else if (label->size() > 15 || (!interface.empty() && label->rfind(interface + ":", 0) != 0)) {
        r.error("label", fmt::format("'{}' must be '{}:<name>' and at most 15 bytes long", *label,
                                     interface.empty() ? "<interface>" : interface));
      } else {
        vip.label = *label;
      }
    }
    r.finish({"address", "label"});
    if (!p) return std::nullopt;
    vip.address = *p;
  } else {
    auto p = values.prefix_value(n, where);
    if (!p) return std::nullopt;
    vip.address = *p;
  }
  if (vip.address.address.is_unspecified() || vip.address.address.is_multicast()) {
    values.error(n, where, fmt::format("{} cannot be a virtual IP", vip.address.address.to_string()));
    return std::nullopt;
  }
  return vip;
}

void read_virtual_ips(const table_reader& r, vrrp_instance& v, bool& family_ok) {
  const auto* a = virtual_ip_list(r);
  if (a == nullptr) return;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const auto& n = *a->get(i);
    std::string where = fmt::format("{}[{}]", r.where("virtual_ips"), i);
    auto vip = read_virtual_ip(r.values(), n, where, v.interface);
    if (!vip) continue;
    auto fam = family_of(vip->address.address);
    if (!v.virtual_ips.empty() && fam != v.family) {
      r.values().error(n, where,
                       fmt::format("{} is {} but the instance's first virtual IP is {}; one instance serves one family",
                                   vip->address.address.to_string(), to_string(fam), to_string(v.family)));
      continue;
    }
    auto same = [&](const virtual_ip& x) { return x.address.address == vip->address.address; };
    if (std::any_of(v.virtual_ips.begin(), v.virtual_ips.end(), same)) {
      r.values().error(n, where, fmt::format("{} is listed twice", vip->address.address.to_string()));
      continue;
    }
    v.family = fam;
    family_ok = true;
    v.virtual_ips.push_back(std::move(*vip));
  }
}

// An address of the instance's family (peers, sources).
bool check_family(const value_reader& values, const toml::node& n, const std::string& where, const ip_address& a,
                  const vrrp_instance& v, bool family_ok) {
  if (family_ok && family_of(a) != v.family) {
    values.error(n, where,
                 fmt::format("{} is {} but the virtual IPs are {}", a.to_string(), to_string(family_of(a)),
                             to_string(v.family)));
    return false;
  }
  return true;
}

void read_unicast(const table_reader& r, vrrp_instance& v, bool family_ok) {
  if (const auto* a = r.array("unicast_peers")) {
    // An empty list must not silently mean multicast.
    if (a->empty()) r.error("unicast_peers", "is empty; remove it to use multicast, or list the peers");
    for (std::size_t i = 0; i < a->size(); ++i) {
      const auto& n = *a->get(i);
      std::string where = fmt::format("{}[{}]", r.where("unicast_peers"), i);
      auto addr = r.values().address(n, where);
      if (!addr || !check_family(r.values(), n, where, *addr, v, family_ok)) continue;
      if (std::find(v.unicast_peers.begin(), v.unicast_peers.end(), *addr) != v.unicast_peers.end()) {
        r.values().error(n, where, fmt::format("{} is listed twice", addr->to_string()));
        continue;
      }
      if (addr->is_unspecified() || addr->is_multicast()) {
        r.values().error(n, where, fmt::format("{} cannot be a unicast peer", addr->to_string()));
        continue;
      }
      v.unicast_peers.push_back(*addr);
    }
  }
  if (auto s = r.address("unicast_source")) {
    if (!r.has("unicast_peers")) {
      r.error("unicast_source", "is set but unicast_peers is not; list the peers (multicast has no unicast source)");
    } else if (check_family(r.values(), *r.get("unicast_source"), r.where("unicast_source"), *s, v, family_ok)) {
      v.unicast_source = *s;
    }
  }
  if (auto x = r.boolean("unicast_require_ttl_255")) {
    if (!r.has("unicast_peers")) {
      r.error("unicast_require_ttl_255", "is set but unicast_peers is not; multicast adverts always need TTL 255");
    } else {
      v.unicast_require_ttl_255 = *x;
    }
  }
  if (auto s = r.address("mcast_source")) {
    if (r.has("unicast_peers")) {
      r.error("mcast_source", "cannot be combined with unicast_peers; use unicast_source");
    } else if (check_family(r.values(), *r.get("mcast_source"), r.where("mcast_source"), *s, v, family_ok)) {
      v.mcast_source = *s;
    }
  }
}

void read_advert_interval(const table_reader& r, vrrp_instance& v) {
  auto d = r.duration_value("advert_interval");
  if (!d) return;
  const std::int64_t ms = d->count() / ns_per_ms;
  if (v.version == 2) {
    if (d->count() % 1'000'000'000 != 0 || ms < 1000 || ms > 255'000) {
      r.error("advert_interval",
              fmt::format("{} is not a whole number of seconds from 1s to 255s (VRRPv2)", format_duration(*d)));
      return;
    }
  } else if (d->count() % (10 * ns_per_ms) != 0 || ms < 10 || ms > 40'950) {
    r.error("advert_interval",
            fmt::format("{} is not a multiple of 10ms from 10ms to 40.95s (VRRPv3)", format_duration(*d)));
    return;
  }
  v.advert_interval = *d;
}

// use_vmac, vmac_interface, vmac_xmit_base: the last two only with the first.
void read_vmac(const table_reader& r, vrrp_instance& v) {
  const bool use = r.boolean("use_vmac").value_or(false);
  if (use) v.vmac_interface = fmt::format("vrrp.{}", v.vrid);  // keepalived's name
  if (auto x = r.word("vmac_interface")) {
    if (!use) {
      r.error("vmac_interface", "needs use_vmac = true");
    } else if (!valid_interface_name(*x)) {
      r.error("vmac_interface", fmt::format("'{}' is not a valid interface name", *x));
    } else if (*x == v.interface) {
      r.error("vmac_interface", "is the instance's interface: the macvlan needs a name of its own");
    } else {
      v.vmac_interface = *x;
    }
  }
  if (auto x = r.boolean("vmac_xmit_base")) {
    if (!use) r.error("vmac_xmit_base", "needs use_vmac = true");
    v.vmac_xmit_base = *x;
  }
}

}  // namespace

const toml::array* virtual_ip_list(const table_reader& r) {
  const auto* a = r.array("virtual_ips");
  if (a == nullptr) {
    if (!r.has("virtual_ips")) r.missing("virtual_ips");
    return nullptr;
  }
  if (a->empty()) {
    r.error("virtual_ips", "at least one virtual IP is needed");
    return nullptr;
  }
  return a;
}

parsed_vrrp read_vrrp(diagnostic_sink& sink, const toml::table& t, std::size_t index) {
  parsed_vrrp p;
  p.source = &t;
  auto& v = p.model;
  table_reader r(sink, t, fmt::format("vrrp[#{}]", index + 1));
  if (auto name = read_section_name(r, "vrrp")) {
    v.name = *name;
    p.name_ok = true;
  }
  bool interface_ok = false;
  if (auto i = r.word("interface")) {
    if (valid_interface_name(*i)) {
      v.interface = *i;
      interface_ok = true;
    } else {
      r.error("interface", fmt::format("'{}' is not a valid interface name", *i));
    }
  } else if (!r.has("interface")) {
    r.missing("interface");
  }
  bool vrid_ok = false;
  if (auto x = r.integer("vrid", 1, 255)) {
    v.vrid = static_cast<std::uint8_t>(*x);
    vrid_ok = true;
  } else if (!r.has("vrid")) {
    r.missing("vrid");
  }
  if (auto x = r.integer("priority", 1, 255)) v.priority = static_cast<std::uint8_t>(*x);
  bool version_ok = true;
  if (const auto* n = r.get("version")) {
    auto x = r.values().integer(*n, r.where("version"), 2, 3);
    if (x) v.version = static_cast<int>(*x);
    version_ok = x.has_value();
  }
  bool family_ok = false;
  read_virtual_ips(r, v, family_ok);
  if (version_ok && family_ok && v.family == address_family::inet6 && v.version == 2) {
    r.error("version", "VRRPv2 does not support IPv6 virtual IPs; use version = 3");
  }
  if (version_ok) read_advert_interval(r, v);
  if (auto x = r.boolean("preempt")) v.preempt = *x;
  if (auto x = r.duration_value("preempt_delay")) {
    if (*x > std::chrono::hours(1)) {
      r.error("preempt_delay", fmt::format("{} is longer than 1h", format_duration(*x)));
    } else {
      v.preempt_delay = *x;
    }
  }
  if (auto x = r.boolean("accept_mode")) v.accept_mode = *x;
  read_unicast(r, v, family_ok);
  if (const auto* g = r.subtable("garp")) v.garp = read_garp(table_reader(sink, *g, r.where("garp")));
  v.track_interfaces = read_track_interfaces(r);
  v.track_scripts = read_track_scripts(r);
  v.virtual_routes = read_virtual_routes(r);
  v.virtual_rules = read_virtual_rules(r);
  read_vmac(r, v);
  if (auto x = r.word("sync_group")) {
    if (valid_name(*x)) {
      v.sync_group = *x;
    } else {
      r.error("sync_group", invalid_name_message(*x));
    }
  }
  if (const auto* n = r.subtable("notify")) v.notify = read_vrrp_notify(table_reader(sink, *n, r.where("notify")));
  if (const auto* a = r.subtable("auth")) {
    table_reader ar(sink, *a, r.where("auth"));
    if (version_ok && v.version == 3) {
      r.error("auth", "VRRPv3 has no authentication (RFC 5798); remove auth or use version = 2");
    } else {
      v.auth_password = read_auth(ar);
    }
  }
  r.finish({"name",
            "interface",
            "vrid",
            "priority",
            "version",
            "advert_interval",
            "preempt",
            "preempt_delay",
            "accept_mode",
            "virtual_ips",
            "unicast_peers",
            "unicast_source",
            "unicast_require_ttl_255",
            "mcast_source",
            "garp",
            "track_interfaces",
            "track_scripts",
            "virtual_routes",
            "virtual_rules",
            "use_vmac",
            "vmac_interface",
            "vmac_xmit_base",
            "sync_group",
            "notify",
            "auth"});
  p.key_ok = interface_ok && vrid_ok && family_ok;
  return p;
}

}  // namespace lbd::config::detail

// SPDX-License-Identifier: GPL-2.0-or-later
// One [[virtual_server]] and the rules that concern it alone.
#include <fmt/format.h>

#include <algorithm>

#include "config/read_virtual_server_parts.hpp"

namespace lbd::config::detail {
namespace {

// address = "ip:port" or fwmark = N (+ family): the service's identity in IPVS.
void read_key(const table_reader& r, parsed_virtual_server& p) {
  auto& vs = p.model;
  const bool has_address = r.has("address");
  const bool has_fwmark = r.has("fwmark");
  if (has_address && has_fwmark) {
    r.error("fwmark", "a service has either an address or a fwmark, not both");
    return;
  }
  if (!has_address && !has_fwmark) {
    r.values().error(r.table_position(), r.path(), "missing required key 'address' (or 'fwmark')");
    return;
  }
  if (has_address) {
    if (r.has("family")) r.error("family", "is implied by the address; it is only set on fwmark services");
    auto s = r.string("address");
    if (!s) return;
    auto e = parse_endpoint(*s, true);
    if (!e) {
      r.error("address", e.error());
      return;
    }
    if (e->address.is_unspecified() || e->address.is_multicast()) {
      r.error("address", fmt::format("{} cannot be a virtual server address", e->address.to_string()));
      return;
    }
    vs.address = *e;
    vs.family = family_of(e->address);
    p.key_ok = true;
    return;
  }
  auto mark = r.integer("fwmark", 1, 4294967295);
  bool family_ok = true;
  if (r.has("family")) {
    auto f = r.choice("family", family_names);
    if (f) vs.family = *f;
    family_ok = f.has_value();
  }
  if (mark) {
    vs.fwmark = static_cast<std::uint32_t>(*mark);
    p.key_ok = family_ok;
  }
}

void read_real_servers(const table_reader& r, parsed_virtual_server& p) {
  const auto* a = r.array("real_server");
  if (a == nullptr) return;
  auto& reals = p.model.real_servers;
  reals.reserve(a->size());
  p.real_sources.reserve(a->size());
  const std::string path = r.where("real_server");
  for (std::size_t i = 0; i < a->size(); ++i) {
    std::string where = fmt::format("{}[#{}]", path, i + 1);
    const auto* t = r.values().table(*a->get(i), where);
    if (t == nullptr) continue;
    auto rs = read_real_server(r.values(), *t, where, p.model);
    if (rs.address_ok) {
      for (std::size_t j = 0; j < reals.size(); ++j) {
        if (!p.real_sources[j].address_ok || reals[j].address != rs.model.address) continue;
        auto at = position_of(*t->get("address"));
        r.values().error(at, path,
                         fmt::format("{} is listed twice (first at line {})", to_string(rs.model.address),
                                     p.real_sources[j].address.line));
        break;
      }
    }
    reals.push_back(std::move(rs.model));
    const auto* address = t->get("address");
    p.real_sources.push_back(
        real_server_source{address == nullptr ? position{} : position_of(*address), rs.address_ok});
  }
}

}  // namespace

parsed_virtual_server read_virtual_server(diagnostic_sink& sink, const toml::table& t, std::size_t index) {
  parsed_virtual_server p;
  auto& vs = p.model;
  table_reader r(sink, t, fmt::format("virtual_server[#{}]", index + 1));
  p.at = service_positions{r.pos("name"), r.pos("address"), r.pos("fwmark"), r.pos("vrrp")};
  if (auto name = read_section_name(r, "virtual_server")) {
    vs.name = *name;
    p.name_ok = true;
  }
  read_key(r, p);
  if (auto v = r.choice("protocol", protocol_names)) vs.proto = *v;
  bool scheduler_ok = true;
  if (r.has("scheduler")) {
    auto v = r.choice("scheduler", scheduler_names);
    if (v) vs.sched = *v;
    scheduler_ok = v.has_value();
  }
  if (scheduler_ok) vs.flags = read_scheduler_flags(r, vs.sched);
  if (auto v = r.choice("forwarding", forwarding_names)) vs.method = *v;
  if (const auto* pt = r.subtable("persistence")) {
    vs.persistence = read_persistence(table_reader(sink, *pt, r.where("persistence")), vs.family, vs.proto);
  }
  if (vs.address && vs.address->port == 0 && !vs.persistence) {
    r.error("address", "port 0 (all ports) needs persistence, as in ipvsadm");
  }
  if (auto v = r.choice("on_failure", failure_action_names)) vs.on_failure = *v;
  if (const auto* q = r.subtable("quorum")) vs.quorum = read_quorum(table_reader(sink, *q, r.where("quorum")));
  if (auto v = r.endpoint_value("sorry_server", !vs.fwmark.has_value())) {
    if (p.key_ok && family_of(v->address) != vs.family) {
      r.error("sorry_server", fmt::format("{} is {} but the service is {}", v->address.to_string(),
                                          to_string(family_of(v->address)), to_string(vs.family)));
    } else {
      vs.sorry_server = *v;
    }
  }
  if (const auto* c = r.get("check")) {
    vs.checks = std::make_shared<const check_list>(read_check_list(r.values(), *c, r.where("check"), nullptr));
  }
  if (auto v = r.word("vrrp")) vs.vrrp = *v;
  read_real_servers(r, p);

  const bool uses_tun =
      vs.method == forwarding::tun || std::any_of(vs.real_servers.begin(), vs.real_servers.end(),
                                                  [](const real_server& x) { return x.method == forwarding::tun; });
  if (const auto* tt = r.subtable("tunnel")) {
    if (!uses_tun) {
      r.error("tunnel", "is only used with forwarding = \"tun\"");
    } else {
      vs.tunnel = read_tunnel(table_reader(sink, *tt, r.where("tunnel")));
    }
  } else if (uses_tun) {
    vs.tunnel = tunnel_settings{};
  }
  if (vs.real_servers.empty() && !vs.sorry_server) {
    r.values().warning(r.table_position(), r.path(), "has no real servers and no sorry_server: it will refuse traffic");
  }
  r.finish({"name", "address", "fwmark", "family", "protocol", "scheduler", "scheduler_flags", "forwarding", "tunnel",
            "persistence", "on_failure", "quorum", "sorry_server", "check", "vrrp", "real_server"});
  return p;
}

}  // namespace lbd::config::detail

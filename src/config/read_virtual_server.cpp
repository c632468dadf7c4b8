// SPDX-License-Identifier: GPL-2.0-or-later
// One [[virtual_server]] and the rules that concern it alone.
#include <fmt/format.h>

#include <algorithm>

#include "config/read_virtual_server_parts.hpp"

namespace lbd::config::detail {
namespace {

// One entry point "ip:port" of a service.
std::optional<endpoint> service_address(const value_reader& v, const toml::node& n, const std::string& where) {
  auto s = v.string(n, where);
  if (!s) return std::nullopt;
  auto e = parse_endpoint(*s, true);
  if (!e) {
    v.error(n, where, e.error());
    return std::nullopt;
  }
  if (e->address.is_unspecified() || e->address.is_multicast()) {
    v.error(n, where, fmt::format("{} cannot be a virtual server address", e->address.to_string()));
    return std::nullopt;
  }
  return *e;
}

// `key` holds one value, or an array of them: the entry points of a group. Every value is read
// (each error reported); the result holds those that were valid, with their positions.
template <typename T, typename Read>
std::vector<std::pair<T, position>> read_entries(const table_reader& r, std::string_view key, Read read_one,
                                                 bool& all_ok) {
  std::vector<std::pair<T, position>> out;
  const toml::node& n = *r.get(key);
  const auto* a = n.as_array();
  if (a == nullptr) {
    if (auto v = read_one(n, r.where(key))) out.emplace_back(*v, position_of(n));
    all_ok = !out.empty();
    return out;
  }
  if (a->empty()) r.error(key, "is an empty list: a service has at least one entry point");
  for (std::size_t i = 0; i < a->size(); ++i) {
    const toml::node& item = *a->get(i);
    if (auto v = read_one(item, fmt::format("{}[{}]", r.where(key), i))) out.emplace_back(*v, position_of(item));
  }
  all_ok = !a->empty() && out.size() == a->size();
  return out;
}

// A value listed twice in a group: reported at the second one.
template <typename T, typename Name>
bool unique_entries(const table_reader& r, const std::vector<std::pair<T, position>>& entries, Name name) {
  bool ok = true;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (entries[j].first != entries[i].first) continue;
      r.values().error(
          entries[i].second, r.path(),
          fmt::format("{} is listed twice (first at line {})", name(entries[i].first), entries[j].second.line));
      ok = false;
      break;
    }
  }
  return ok;
}

void read_addresses(const table_reader& r, parsed_virtual_server& p) {
  auto& vs = p.model;
  if (r.has("family")) r.error("family", "is implied by the address; it is only set on fwmark services");
  bool ok = false;
  auto entries = read_entries<endpoint>(
      r, "address",
      [&](const toml::node& n, const std::string& where) { return service_address(r.values(), n, where); }, ok);
  if (!ok) return;
  const endpoint& first = entries.front().first;
  for (std::size_t i = 1; i < entries.size(); ++i) {
    const endpoint& e = entries[i].first;
    // One port: the real servers' ports (and dr/tun's kept port) are resolved against it.
    if (e.port != first.port) {
      r.values().error(entries[i].second, r.where("address"),
                       fmt::format("{} has port {}, the service's first address {}: the addresses of one service "
                                   "share the port (write a service per port)",
                                   to_string(e), e.port, first.port));
      ok = false;
    } else if (family_of(e.address) != family_of(first.address)) {
      r.values().error(entries[i].second, r.where("address"),
                       fmt::format("{} is {} but the service's first address is {}", e.address.to_string(),
                                   to_string(family_of(e.address)), to_string(family_of(first.address))));
      ok = false;
    }
  }
  if (!ok || !unique_entries(r, entries, [](const endpoint& e) { return to_string(e); })) return;
  vs.address = first;
  vs.family = family_of(first.address);
  for (std::size_t i = 1; i < entries.size(); ++i) vs.more_addresses.push_back(entries[i].first);
  for (const auto& [_, at] : entries) p.at.entries.push_back(at);
  p.key_ok = true;
}

void read_fwmarks(const table_reader& r, parsed_virtual_server& p) {
  auto& vs = p.model;
  bool ok = false;
  auto entries = read_entries<std::uint32_t>(
      r, "fwmark",
      [&](const toml::node& n, const std::string& where) -> std::optional<std::uint32_t> {
        auto v = r.values().integer(n, where, 1, 4294967295);
        if (!v) return std::nullopt;
        return static_cast<std::uint32_t>(*v);
      },
      ok);
  bool family_ok = true;
  if (r.has("family")) {
    auto f = r.choice("family", family_names);
    if (f) vs.family = *f;
    family_ok = f.has_value();
  }
  if (!ok || !unique_entries(r, entries, [](std::uint32_t m) { return fmt::format("fwmark {}", m); })) return;
  vs.fwmark = entries.front().first;
  for (std::size_t i = 1; i < entries.size(); ++i) vs.more_fwmarks.push_back(entries[i].first);
  for (const auto& [_, at] : entries) p.at.entries.push_back(at);
  p.key_ok = family_ok;
}

// address = "ip:port" or fwmark = N (+ family), or a list of either: the service's identity in IPVS.
void read_key(const table_reader& r, parsed_virtual_server& p) {
  const bool has_address = r.has("address");
  const bool has_fwmark = r.has("fwmark");
  if (has_address && has_fwmark) {
    r.error("fwmark", "a service has either addresses or fwmarks, not both (write one service of each)");
    return;
  }
  if (!has_address && !has_fwmark) {
    r.values().error(r.table_position(), r.path(), "missing required key 'address' (or 'fwmark')");
    return;
  }
  if (has_address) {
    read_addresses(r, p);
  } else {
    read_fwmarks(r, p);
  }
}

void read_real_servers(const table_reader& r, parsed_virtual_server& p) {
  const auto* a = r.array("real_server");
  if (a == nullptr) return;
  auto& reals = p.model.real_servers;
  reals.reserve(a->size());
  p.real_sources.reserve(a->size());
  const std::string path = r.where("real_server");
  bool data_path_reported = false;
  for (std::size_t i = 0; i < a->size(); ++i) {
    std::string where = fmt::format("{}[#{}]", path, i + 1);
    const auto* t = r.values().table(*a->get(i), where);
    if (t == nullptr) continue;
    auto rs = read_real_server(r.values(), *t, where, p.model);
    check_data_path(r, *t, where, rs.model, p.model, data_path_reported);
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
  p.at = service_positions{r.pos("name"),       r.pos("address"), r.pos("fwmark"),    r.pos("vrrp"),      {},
                           r.pos("forwarding"), r.pos("anycast"), r.pos("scheduler"), r.pos("on_failure")};
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
  if (vs.method == forwarding::fullnat && p.key_ok) {
    // lbd's source NAT picks connections by their original destination, VIP and port.
    if (vs.fwmark) {
      r.error("forwarding", "fullnat needs a service with an address: the source NAT matches a connection's VIP:port");
    } else if (vs.address->port == 0) {
      r.error("forwarding", "fullnat needs a port on the address: the source NAT matches a connection's VIP:port");
    }
  }
  if (const auto* pt = r.subtable("persistence")) {
    vs.persistence = read_persistence(table_reader(sink, *pt, r.where("persistence")), vs.family, vs.proto);
  }
  if (vs.address && vs.address->port == 0 && !vs.persistence) {
    r.error("address", "port 0 (all ports) needs persistence, as in ipvsadm");
  }
  if (auto v = r.choice("on_failure", failure_action_names)) vs.on_failure = *v;
  if (const auto* q = r.subtable("quorum")) vs.quorum = read_quorum(table_reader(sink, *q, r.where("quorum")));
  if (const auto* o = r.subtable("outlier_detection")) {
    // Only TCP says whether a server answered: IPVS holds a connection in SYN_RECV until the
    // client's ACK, which follows the server's SYN-ACK. UDP and SCTP entries carry no such state.
    if (vs.proto != protocol::tcp) {
      r.error("outlier_detection", fmt::format("needs protocol = \"tcp\" (this service is {}): only a TCP connection "
                                               "shows whether the real server answered",
                                               to_string(vs.proto)));
    } else {
      vs.outliers = read_outlier_detection(table_reader(sink, *o, r.where("outlier_detection")));
    }
  }
  if (auto v = read_slow_start(r)) vs.slow_start = *v;
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
  if (const auto* a = r.get("agent")) vs.agent = read_agent(r.values(), *a, r.where("agent"), std::nullopt);
  if (auto v = r.word("vrrp")) vs.vrrp = *v;
  if (auto v = r.word("anycast")) vs.anycast = *v;
  if (vs.vrrp && vs.anycast)
    r.error("anycast", "a service's VIP is announced by VRRP or by BGP, not both: drop vrrp or anycast");
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
  r.finish({"name",         "address", "fwmark",      "family",     "protocol", "scheduler",         "scheduler_flags",
            "forwarding",   "tunnel",  "persistence", "on_failure", "quorum",   "outlier_detection", "slow_start",
            "sorry_server", "check",   "agent",       "vrrp",       "anycast",  "real_server"});
  return p;
}

}  // namespace lbd::config::detail

// SPDX-License-Identifier: GPL-2.0-or-later
// [[vrrp]] virtual_routes and virtual_rules: routes and policy rules that follow the VIPs.
#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "config/names.hpp"
#include "config/read_vrrp_extras.hpp"

namespace lbd::config::detail {
namespace {

constexpr std::array<named<netif::route_kind>, 4> route_kind_names{{{netif::route_kind::unicast, "unicast"},
                                                                    {netif::route_kind::blackhole, "blackhole"},
                                                                    {netif::route_kind::unreachable, "unreachable"},
                                                                    {netif::route_kind::prohibit, "prohibit"}}};
constexpr std::array<named<netif::route_scope>, 4> route_scope_names{{{netif::route_scope::global, "global"},
                                                                      {netif::route_scope::site, "site"},
                                                                      {netif::route_scope::link, "link"},
                                                                      {netif::route_scope::host, "host"}}};

std::optional<prefix> prefix_value(const table_reader& r, std::string_view key) {
  auto text = r.word(key);
  if (!text) return std::nullopt;
  auto p = parse_prefix(*text);
  if (!p) {
    r.error(key, p.error());
    return std::nullopt;
  }
  return *p;
}

std::optional<std::uint32_t> table_value(const table_reader& r, std::string_view key) {
  auto v = r.integer(key, 1, 0xFFFFFFFFLL);
  if (v && *v == 255) {
    r.error(key, "255 is the kernel's local table");
    return std::nullopt;
  }
  return v ? std::optional<std::uint32_t>(static_cast<std::uint32_t>(*v)) : std::nullopt;
}

void interface_value(const table_reader& r, std::string_view key, std::string& out) {
  if (auto v = r.word(key)) {
    if (valid_interface_name(*v)) {
      out = *v;
    } else {
      r.error(key, fmt::format("'{}' is not an interface name", *v));
    }
  }
}

// The entry, unless the kernel could not take it; its problems go on its first key present.
template <typename Spec>
std::optional<Spec> checked(const table_reader& r, Spec s) {
  const auto problems = netif::problems(s);
  for (const auto& p : problems) r.error(r.has("to") ? "to" : "from", p);
  return problems.empty() ? std::optional(std::move(s)) : std::nullopt;
}

template <typename Spec, typename Read>
std::vector<Spec> read_list(const table_reader& parent, std::string_view key, Read read_one) {
  std::vector<Spec> out;
  const auto* a = parent.array(key);
  if (a == nullptr) return out;
  for (std::size_t i = 0; i < a->size(); ++i) {
    std::string where = fmt::format("{}[{}]", parent.where(key), i);
    const auto* t = parent.values().table(*a->get(i), where);
    if (t == nullptr) continue;
    table_reader r(parent.values().sink(), *t, where);
    if (auto s = read_one(r)) {
      if (std::find(out.begin(), out.end(), *s) != out.end()) {
        r.error(r.has("to") ? "to" : "from", "is listed twice");
      } else {
        out.push_back(std::move(*s));
      }
    }
  }
  return out;
}

std::optional<netif::route_spec> read_route(const table_reader& r) {
  netif::route_spec s;
  auto to = prefix_value(r, "to");
  if (!to && !r.has("to")) r.missing("to");
  if (auto v = r.address("via")) s.via = *v;
  interface_value(r, "dev", s.dev);
  if (auto v = r.address("src")) s.src = *v;
  if (auto v = table_value(r, "table")) s.table = *v;
  if (auto v = r.integer("metric", 0, 0xFFFFFFFFLL)) s.metric = static_cast<std::uint32_t>(*v);
  if (auto v = r.choice("type", route_kind_names)) s.kind = *v;
  if (auto v = r.choice("scope", route_scope_names)) s.scope = *v;
  r.finish({"to", "via", "dev", "src", "table", "metric", "type", "scope"});
  if (!to) return std::nullopt;
  s.to = *to;
  return checked(r, std::move(s));
}

std::optional<netif::rule_spec> read_rule(const table_reader& r) {
  netif::rule_spec s;
  s.from = prefix_value(r, "from");
  s.to = prefix_value(r, "to");
  if (auto v = r.choice("family", family_names)) s.ipv6 = *v == address_family::inet6;
  if (s.from) s.ipv6 = s.from->address.is_v6();
  if (s.to) s.ipv6 = s.to->address.is_v6();
  auto table = table_value(r, "table");
  if (!table && !r.has("table")) r.missing("table");
  if (auto v = r.integer("priority", 0, 0xFFFFFFFFLL)) s.priority = static_cast<std::uint32_t>(*v);
  if (auto v = r.integer("fwmark", 1, 0xFFFFFFFFLL)) s.fwmark = static_cast<std::uint32_t>(*v);
  interface_value(r, "iif", s.iif);
  interface_value(r, "oif", s.oif);
  r.finish({"from", "to", "family", "table", "priority", "fwmark", "iif", "oif"});
  if (!table) return std::nullopt;
  s.table = *table;
  return checked(r, std::move(s));
}

}  // namespace

std::vector<netif::route_spec> read_virtual_routes(const table_reader& parent) {
  return read_list<netif::route_spec>(parent, "virtual_routes", read_route);
}

std::vector<netif::rule_spec> read_virtual_rules(const table_reader& parent) {
  return read_list<netif::rule_spec>(parent, "virtual_rules", read_rule);
}

}  // namespace lbd::config::detail

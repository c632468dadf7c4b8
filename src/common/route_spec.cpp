// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/route_spec.hpp"

#include <fmt/format.h>

namespace lbd::netif {
namespace {

const char* kind_name(route_kind k) {
  switch (k) {
    case route_kind::unicast: return "unicast";
    case route_kind::blackhole: return "blackhole";
    case route_kind::unreachable: return "unreachable";
    case route_kind::prohibit: return "prohibit";
  }
  return "unicast";
}

}  // namespace

route_scope scope_of(const route_spec& r) {
  if (r.scope) return *r.scope;
  return r.kind == route_kind::unicast && !r.via ? route_scope::link : route_scope::global;
}

const char* scope_name(route_scope s) {
  switch (s) {
    case route_scope::global: return "global";
    case route_scope::site: return "site";
    case route_scope::link: return "link";
    case route_scope::host: return "host";
  }
  return "global";
}

std::string to_string(const route_spec& r) {
  std::string s = r.kind == route_kind::unicast ? "" : std::string(kind_name(r.kind)) + " ";
  s += to_string(r.to);
  if (r.via) s += " via " + r.via->to_string();
  if (!r.dev.empty()) s += " dev " + r.dev;
  if (r.src) s += " src " + r.src->to_string();
  if (r.scope) s += fmt::format(" scope {}", scope_name(*r.scope));
  if (r.table != main_table) s += fmt::format(" table {}", r.table);
  if (r.metric) s += fmt::format(" metric {}", *r.metric);
  return s;
}

std::string to_string(const rule_spec& r) {
  std::string s = r.ipv6 ? "-6 " : "";
  s += r.from ? "from " + to_string(*r.from) : "from all";
  if (r.to) s += " to " + to_string(*r.to);
  if (r.fwmark) s += fmt::format(" fwmark {:#x}", *r.fwmark);
  if (!r.iif.empty()) s += " iif " + r.iif;
  if (!r.oif.empty()) s += " oif " + r.oif;
  s += fmt::format(" lookup {}", r.table);
  if (r.priority) s += fmt::format(" priority {}", *r.priority);
  return s;
}

std::vector<std::string> problems(const route_spec& r) {
  std::vector<std::string> out;
  const bool v6 = r.to.address.is_v6();
  if (!is_canonical(r.to)) out.push_back(fmt::format("{} has host bits set", to_string(r.to)));
  if (r.via && r.via->is_v6() != v6) out.push_back("via is not of the destination's family");
  if (r.src && r.src->is_v6() != v6) out.push_back("src is not of the destination's family");
  if (r.kind == route_kind::unicast && !r.via && r.dev.empty()) out.push_back("needs via or dev");
  if (r.kind != route_kind::unicast && (r.via || !r.dev.empty())) {
    out.push_back(fmt::format("a {} route has no via or dev", kind_name(r.kind)));
  }
  if (r.table == 0 || r.table == 255) out.push_back(fmt::format("table {} is not one routes may be added to", r.table));
  return out;
}

std::vector<std::string> problems(const rule_spec& r) {
  std::vector<std::string> out;
  const bool mixed = (r.from && r.from->address.is_v6() != r.ipv6) || (r.to && r.to->address.is_v6() != r.ipv6);
  if (mixed) out.push_back("from and to must be of one family");
  for (const auto* p : {&r.from, &r.to}) {
    if (*p && !is_canonical(**p)) out.push_back(fmt::format("{} has host bits set", to_string(**p)));
  }
  if (r.table == 0) out.push_back("table 0 cannot be looked up");
  return out;
}

}  // namespace lbd::netif

// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl/doctor/firewall.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace lbd::ctl::doctor::firewall {
namespace {

enum class truth { no, yes, maybe };

truth combine(truth a, truth b) {
  if (a == truth::no || b == truth::no) return truth::no;
  if (a == truth::maybe || b == truth::maybe) return truth::maybe;
  return truth::yes;
}

std::optional<unsigned> number(std::string_view s) {
  unsigned v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

bool name_matches(const std::string& pattern, const std::string& name) {
  if (!pattern.empty() && (pattern.back() == '*' || pattern.back() == '+')) {
    return name.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
  }
  return pattern == name;
}

std::optional<bool> port_matches(const std::string& v, std::uint16_t port) {
  auto dash = v.find_first_of("-:");
  if (dash == std::string::npos) {
    auto n = number(v);
    if (!n) return std::nullopt;
    return *n == port;
  }
  auto lo = number(std::string_view(v).substr(0, dash));
  auto hi = number(std::string_view(v).substr(dash + 1));
  if (!lo || !hi) return std::nullopt;
  return port >= *lo && port <= *hi;
}

std::optional<bool> address_matches(const std::string& v, const ip_address& a) {
  auto p = parse_prefix(v);
  if (!p) return std::nullopt;
  return contains(*p, a);
}

// Does one value of the condition hold for the packet? nullopt: cannot tell.
std::optional<bool> value_holds(const std::string& key, const std::string& v, const packet& p) {
  if (key == "l4proto") {
    int n = protocol_number(v);
    if (n < 0) return std::nullopt;
    return n == p.l4proto;
  }
  if (key == "family") return v == std::to_string(p.family);
  if (key == "ct_state") return v == p.ct_state;
  if (key == "iifname" || key == "oifname") {
    const auto& ifname = key == "iifname" ? p.iif : p.oif;
    // An interface that does not exist on this hook ("oifname" on input) never matches.
    if (key == "iifname" && p.where == hook::output) return false;
    if (key == "oifname" && (p.where == hook::input || p.where == hook::prerouting)) return false;
    if (!ifname) return std::nullopt;
    return name_matches(v, *ifname);
  }
  if (key == "saddr" || key == "daddr") {
    const auto& a = key == "saddr" ? p.saddr : p.daddr;
    if (!a) return std::nullopt;
    return address_matches(v, *a);
  }
  if (key == "sport" || key == "dport") {
    const auto& port = key == "sport" ? p.sport : p.dport;
    if (!port) return std::nullopt;
    return port_matches(v, *port);
  }
  return std::nullopt;
}

truth holds(const condition& c, const packet& p) {
  if (c.key == "unknown") return truth::maybe;
  bool any_unknown = false;
  bool any = false;
  for (const auto& v : c.values) {
    auto r = value_holds(c.key, v, p);
    if (!r) {
      any_unknown = true;
    } else if (*r) {
      any = true;
    }
  }
  if (any) return c.negated ? truth::no : truth::yes;
  if (any_unknown) return truth::maybe;
  return c.negated ? truth::yes : truth::no;
}

truth rule_holds(const rule& r, const packet& p) {
  truth t = truth::yes;
  for (const auto& c : r.conditions) t = combine(t, holds(c, p));
  return t;
}

bool sees_family(const chain& c, int family) {
  if (c.family == "inet") return true;
  if (c.family == "ip") return family == 4;
  if (c.family == "ip6") return family == 6;
  return false;
}

struct outcome {
  verdict final = verdict::next;  // accept, drop/reject, or next (fell off the end / returned)
  std::string rule;
  bool certain = true;
};

const chain* find_chain(const ruleset& rs, const chain& from, const std::string& name) {
  for (const auto& c : rs.chains) {
    if (c.source == from.source && c.family == from.family && c.table == from.table && c.name == name) return &c;
  }
  return nullptr;
}

// Walks one chain; `doubt` is set once a rule that might have accepted the packet was passed.
// `budget` bounds the rules looked at, so jumps between chains cannot explode.
outcome walk(const ruleset& rs, const chain& c, const packet& p, bool doubt, int depth, std::size_t& budget) {
  if (depth > 16) return {verdict::next, {}, false};
  for (const auto& r : c.rules) {
    if (budget == 0) return {verdict::next, {}, false};
    --budget;
    truth t = rule_holds(r, p);
    if (t == truth::no) continue;
    if (t == truth::maybe) {
      if (r.action == verdict::accept || r.action == verdict::jump || r.action == verdict::go_to) doubt = true;
      continue;
    }
    switch (r.action) {
      case verdict::next: break;
      case verdict::accept: return {verdict::accept, r.text, !doubt};
      case verdict::drop:
      case verdict::reject: return {r.action, r.text, !doubt};
      case verdict::back: return {verdict::next, {}, !doubt};
      case verdict::jump:
      case verdict::go_to: {
        const chain* target = find_chain(rs, c, r.target);
        if (target == nullptr) {
          doubt = true;
          break;
        }
        auto inner = walk(rs, *target, p, doubt, depth + 1, budget);
        if (inner.final != verdict::next) return inner;
        doubt = doubt || !inner.certain;
        if (r.action == verdict::go_to) return {verdict::next, {}, !doubt};
        break;
      }
    }
  }
  return {verdict::next, {}, !doubt};
}

}  // namespace

int protocol_number(const std::string& name) {
  static const std::pair<const char*, int> names[] = {
      {"icmp", 1}, {"igmp", 2},    {"tcp", 6},        {"udp", 17},   {"gre", 47},   {"esp", 50},
      {"ah", 51},  {"icmpv6", 58}, {"ipv6-icmp", 58}, {"vrrp", 112}, {"sctp", 132}, {"udplite", 136}};
  for (const auto& [n, v] : names) {
    if (name == n) return v;
  }
  auto n = number(name);
  return n && *n < 256 ? static_cast<int>(*n) : -1;
}

std::optional<block> find_block(const ruleset& rules, const packet& p) {
  std::vector<const chain*> base;
  for (const auto& c : rules.chains) {
    if (c.base == p.where && sees_family(c, p.family)) base.push_back(&c);
  }
  std::stable_sort(base.begin(), base.end(), [](const chain* a, const chain* b) { return a->priority < b->priority; });
  for (const chain* c : base) {
    std::size_t budget = 100000;
    auto o = walk(rules, *c, p, false, 0, budget);
    std::string where = fmt::format("{} table {} {} chain {}", c->source, c->family, c->table, c->name);
    if (o.final == verdict::drop || o.final == verdict::reject) return block{where, o.rule, o.certain};
    if (o.final == verdict::next && c->policy == verdict::drop) return block{where, "policy drop", o.certain};
    // accept: the next base chain on the hook still sees the packet (nftables semantics).
  }
  return std::nullopt;
}

}  // namespace lbd::ctl::doctor::firewall

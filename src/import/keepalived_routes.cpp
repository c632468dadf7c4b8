// SPDX-License-Identifier: GPL-2.0-or-later
// A vrrp_instance's virtual_routes and virtual_rules blocks: one route or rule per line, written as
// `ip route` / `ip rule` would take it. Each line converts whole or is refused whole with the word
// lbd has no equivalent for (a route missing one of its words would send traffic elsewhere).
#include <fmt/format.h>

#include <charconv>
#include <system_error>

#include "import/keepalived_convert.hpp"
#include "import/toml_writer.hpp"

namespace lbd::import {
namespace {

bool number(const std::string& s) {
  unsigned long v = 0;
  const auto* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, v);
  return ec == std::errc{} && p == end && v <= 0xFFFFFFFFUL;
}

// iproute2's table names lbd knows without reading /etc/iproute2/rt_tables.
std::string table_number(const std::string& t) {
  if (t == "main") return "254";
  if (t == "default") return "253";
  return number(t) ? t : std::string{};
}

// No entry, and why.
std::string none(std::string& why, std::string reason) {
  why = std::move(reason);
  return {};
}

std::string join(const std::vector<std::string>& line) {
  std::string s;
  for (const auto& w : line) s += (s.empty() ? "" : " ") + w;
  return s;
}

// The route of one line, or "" with the reason in `why`.
std::string route_entry(const std::vector<std::string>& w, std::string& why) {
  std::vector<std::pair<std::string, std::string>> f;
  std::string type;
  std::string to;
  std::string via;
  std::string scope;
  for (std::size_t i = 0; i < w.size(); ++i) {
    const auto& k = w[i];
    const bool has_value = i + 1 < w.size();
    if (i == 0 && (k == "blackhole" || k == "unreachable" || k == "prohibit" || k == "unicast")) {
      type = k;
    } else if ((k == "to" || k == "src" || k == "via" || k == "gw" || k == "dev" || k == "table" || k == "metric" ||
                k == "preference" || k == "priority" || k == "scope") &&
               has_value) {
      const auto& v = w[++i];
      if (k == "scope") {
        scope = v == "universe" ? "global" : v;
        if (scope != "global" && scope != "site" && scope != "link" && scope != "host") {
          return none(why, "scope " + v + " has no lbd equivalent");
        }
      } else if (k == "to") {
        to = v;
      } else if (k == "via" || k == "gw") {
        via = v;
      } else if (k == "table") {
        if (table_number(v).empty()) return none(why, "table " + v + ": give the table's number");
        f.emplace_back("table", table_number(v));
      } else if (k == "dev" || k == "src") {
        f.emplace_back(k, toml_string(v));
      } else {
        if (!number(v)) return none(why, k + " " + v + " is not a number");
        f.emplace_back("metric", v);
      }
    } else if (to.empty() &&
               (k == "default" || k.find_first_not_of("0123456789.:/abcdefABCDEF") == std::string::npos)) {
      to = k;  // the destination, without `to` (a host route may leave its length out)
    } else {
      return none(why, "'" + k + "' has no lbd equivalent");
    }
  }
  if (to.empty()) return none(why, "no destination");
  if (to == "default") to = via.find(':') != std::string::npos ? "::/0" : "0.0.0.0/0";
  f.insert(f.begin(), {"to", toml_string(to)});
  if (!via.empty()) f.insert(f.begin() + 1, {"via", toml_string(via)});
  if (!type.empty() && type != "unicast") f.emplace_back("type", toml_string(type));
  // keepalived adds a route with the scope it was given, else global; lbd's default is `ip
  // route`'s, link for a route to an interface without a gateway: said where it differs.
  if (scope.empty() && (type.empty() || type == "unicast") && via.empty()) scope = "global";
  if (!scope.empty()) f.emplace_back("scope", toml_string(scope));
  return toml_inline_table(f);
}

std::string rule_entry(const std::vector<std::string>& w, std::string& why) {
  std::vector<std::pair<std::string, std::string>> f;
  bool table = false;
  for (std::size_t i = 0; i < w.size(); ++i) {
    const auto& k = w[i];
    if (i + 1 >= w.size()) return none(why, "'" + k + "' has no value");
    const auto& v = w[++i];
    if (k == "from" || k == "to") {
      if (v != "all") f.emplace_back(k, toml_string(v));
    } else if (k == "table" || k == "lookup") {
      if (table_number(v).empty()) return none(why, "table " + v + ": give the table's number");
      f.emplace_back("table", table_number(v));
      table = true;
    } else if (k == "priority" || k == "preference" || k == "pref") {
      if (!number(v)) return none(why, k + " " + v + " is not a number");
      f.emplace_back("priority", v);
    } else if (k == "fwmark") {
      if (v.find('/') != std::string::npos) return none(why, "a fwmark mask has no lbd equivalent");
      unsigned long mark = 0;
      const int base = v.starts_with("0x") ? 16 : 10;
      const auto* begin = v.data() + (base == 16 ? 2 : 0);
      auto [p, ec] = std::from_chars(begin, v.data() + v.size(), mark, base);
      if (ec != std::errc{} || p != v.data() + v.size() || mark == 0 || mark > 0xFFFFFFFFUL) {
        return none(why, "fwmark " + v + " is not a mark");
      }
      f.emplace_back("fwmark", std::to_string(mark));
    } else if (k == "iif" || k == "oif") {
      f.emplace_back(k, toml_string(v));
    } else {
      return none(why, "'" + k + "' has no lbd equivalent");
    }
  }
  if (!table) return none(why, "no table: lbd's rules look a table up");
  return toml_inline_table(f);
}

std::string entries(kad_context& ctx, const kad_node& block, bool routes) {
  std::vector<std::string> out;
  for (const auto& line : block.children) {
    std::vector<std::string> words{line.keyword};
    words.insert(words.end(), line.args.begin(), line.args.end());
    std::string why;
    auto e = routes ? route_entry(words, why) : rule_entry(words, why);
    if (e.empty()) {
      ctx.refuse(line, fmt::format("'{}': {}", join(words), why));
    } else {
      out.push_back(std::move(e));
    }
  }
  if (out.empty()) return {};
  std::string s = fmt::format("{} = [\n", routes ? "virtual_routes" : "virtual_rules");
  for (const auto& e : out) s += "  " + e + ",\n";
  return s + "]\n";
}

}  // namespace

std::string convert_virtual_routes(kad_context& ctx, const kad_node& block) { return entries(ctx, block, true); }
std::string convert_virtual_rules(kad_context& ctx, const kad_node& block) { return entries(ctx, block, false); }

}  // namespace lbd::import

// SPDX-License-Identifier: GPL-2.0-or-later
#include "nft/listing.hpp"

#include <fmt/format.h>

#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

namespace lbd::nft {

namespace {

using json = nlohmann::json;
using error = unexpected<std::string>;

// The "nftables" array of a listing, each item an object with exactly one key.
result<const json*, std::string> items(const json& doc) {
  if (!doc.is_object()) return error(std::string("the listing is not a JSON object"));
  const auto it = doc.find("nftables");
  if (it == doc.end() || !it->is_array()) return error(std::string("the listing has no \"nftables\" array"));
  for (const auto& item : *it) {
    if (!item.is_object() || item.size() != 1) return error(std::string("a listing item is not an object of one key"));
    if (!item.begin()->is_object())
      return error(fmt::format("listing item \"{}\" is not an object", item.begin().key()));
  }
  return &*it;
}

// A string member, or "" when it is missing or not a string (nlohmann's value() would throw).
std::string str(const json& o, const char* key) {
  const auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// What one (family, protocol) pair was found to hold.
struct slot {
  bool set = false;  // the set exists with lbd's type and plain elements
  bool rule = false;
  std::set<vip> elements;
  std::optional<lip_pool> pool;
};

struct found {
  std::map<std::pair<ip_family, protocol>, slot> slots;
  bool chain = false;
  bool foreign = false;
};

std::optional<std::pair<ip_family, protocol>> owner_of_set(std::string_view set) {
  for (const ip_family f : all_families) {
    for (const protocol p : all_protocols) {
      if (set_name(f, p) == set) return std::pair{f, p};
    }
  }
  return std::nullopt;
}

status<std::string> read_set(const json& s, found& out) {
  const std::string name = str(s, "name");
  if (name.empty()) return error(std::string("a set without a name"));
  const auto owner = owner_of_set(name);
  if (!owner) {
    out.foreign = true;
    return ok;
  }
  const ip_family f = owner->first;
  slot& sl = out.slots[*owner];
  const json want_type = json::array({f == ip_family::ipv4 ? "ipv4_addr" : "ipv6_addr", "inet_service"});
  const auto type = s.find("type");
  if (type == s.end()) return error(fmt::format("set {} has no type", name));
  if (*type != want_type || s.contains("flags") || s.contains("timeout") || s.contains("policy")) {
    out.foreign = true;
    return ok;
  }
  sl.set = true;
  const auto elem = s.find("elem");
  if (elem == s.end()) return ok;
  if (!elem->is_array()) return error(fmt::format("set {}: \"elem\" is not an array", name));
  for (const auto& e : *elem) {
    const auto c = e.is_object() ? e.find("concat") : e.end();
    if (c == e.end() || !c->is_array() || c->size() != 2 || !(*c)[0].is_string() || !(*c)[1].is_number_unsigned() ||
        (*c)[1].get<std::uint64_t>() > 65535) {
      out.foreign = true;  // an element with a timeout, a comment...: not one lbd writes
      continue;
    }
    auto addr = canonical_address(f, (*c)[0].get<std::string>());
    if (!addr) return error(fmt::format("set {}: {}", name, addr.error()));
    sl.elements.insert(vip{*addr, static_cast<std::uint16_t>((*c)[1].get<std::uint64_t>())});
  }
  return ok;
}

void read_chain(const json& c, found& out) {
  const bool ours = str(c, "name") == "postrouting" && str(c, "type") == "nat" && str(c, "hook") == "postrouting" &&
                    c.contains("prio") && c["prio"] == 100 && str(c, "policy") == "accept";
  if (ours && !out.chain) {
    out.chain = true;
  } else {
    out.foreign = true;
  }
}

// nft names the protocol from /etc/protocols and prints its number where that file is missing (no
// netbase): either is lbd's rule.
bool is_protocol_match(const json& stmt, protocol p) {
  const json left = {{"meta", {{"key", "l4proto"}}}};
  const auto m = stmt.find("match");
  if (m == stmt.end() || !m->is_object() || m->size() != 3) return false;
  const auto l = m->find("left");
  const auto r = m->find("right");  // a const json's operator[] must not be given a missing key
  if (str(*m, "op") != "==" || l == m->end() || *l != left || r == m->end()) return false;
  if (r->is_string()) return *r == to_string(p);
  return r->is_number_unsigned() && r->get<std::uint64_t>() == protocol_number(p);
}

json set_match(ip_family f, protocol p) {
  const json daddr = {{"ct", {{"key", f == ip_family::ipv4 ? "ip daddr" : "ip6 daddr"}, {"dir", "original"}}}};
  const json dport = {{"ct", {{"key", "proto-dst"}, {"dir", "original"}}}};
  return json{
      {"match", {{"op", "=="}, {"left", {{"concat", json::array({daddr, dport})}}}, {"right", "@" + set_name(f, p)}}}};
}

// The pool of an "snat" statement as lbd writes it, if it is one.
std::optional<lip_pool> snat_pool(const json& stmt, ip_family f) {
  const auto s = stmt.find("snat");
  if (s == stmt.end() || !s->is_object() || s->size() != 3) return std::nullopt;
  if (str(*s, "family") != (f == ip_family::ipv4 ? "ip" : "ip6")) return std::nullopt;
  const auto flags = s->find("flags");
  if (flags == s->end() || (*flags != "fully-random" && *flags != json::array({"fully-random"}))) return std::nullopt;
  const auto addr = s->find("addr");
  if (addr == s->end()) return std::nullopt;
  lip_pool pool;
  if (addr->is_string()) {
    pool.first = pool.last = addr->get<std::string>();
  } else if (addr->is_object() && addr->size() == 1 && addr->contains("range") && (*addr)["range"].is_array() &&
             (*addr)["range"].size() == 2 && (*addr)["range"][0].is_string() && (*addr)["range"][1].is_string()) {
    pool.first = (*addr)["range"][0].get<std::string>();
    pool.last = (*addr)["range"][1].get<std::string>();
  } else {
    return std::nullopt;
  }
  auto first = canonical_address(f, pool.first);
  auto last = canonical_address(f, pool.last);
  if (!first || !last) return std::nullopt;
  return lip_pool{*first, *last};
}

void read_rule(const json& r, found& out) {
  const auto expr = r.find("expr");
  if (str(r, "chain") != "postrouting" || expr == r.end() || !expr->is_array() || expr->size() != 3) {
    out.foreign = true;
    return;
  }
  for (const ip_family f : all_families) {
    for (const protocol p : all_protocols) {
      if (!is_protocol_match((*expr)[0], p) || (*expr)[1] != set_match(f, p)) continue;
      auto pool = snat_pool((*expr)[2], f);
      slot& sl = out.slots[{f, p}];
      if (!pool || sl.rule) {
        out.foreign = true;
        return;
      }
      sl.rule = true;
      sl.pool = std::move(pool);
      return;
    }
  }
  out.foreign = true;
}

// The table lbd's parts describe, when they are complete and agree.
std::optional<nat_table> assemble(const found& fd) {
  if (fd.foreign) return std::nullopt;
  nat_table t;
  for (const ip_family f : all_families) {
    std::size_t complete = 0;
    std::size_t touched = 0;
    family_nat fam;
    for (const protocol p : all_protocols) {
      const auto it = fd.slots.find({f, p});
      if (it == fd.slots.end()) continue;
      ++touched;
      const slot& sl = it->second;
      if (!sl.set || !sl.rule) continue;
      if (complete > 0 && fam.pool != *sl.pool) return std::nullopt;
      fam.pool = *sl.pool;
      fam.of(p) = sl.elements;
      ++complete;
    }
    if (touched == 0) continue;
    if (complete != all_protocols.size()) return std::nullopt;
    t.of(f) = std::move(fam);
  }
  if (!t.empty() && !fd.chain) return std::nullopt;
  if (t.empty() && fd.chain) return std::nullopt;  // a chain without rules is not lbd's shape
  return t;
}

}  // namespace

result<kernel_table, std::string> parse_listing(std::string_view text, std::string_view name) {
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) return error(std::string("the listing is not valid JSON"));
  auto list = items(doc);
  if (!list) return error(list.error());
  kernel_table k;
  found fd;
  for (const auto& item : **list) {
    const std::string& kind = item.begin().key();
    const json& body = item.begin().value();
    if (kind == "metainfo") continue;
    if (str(body, "family") != "inet") return error(fmt::format("a {} of another family in the listing", kind));
    const std::string table = kind == "table" ? str(body, "name") : str(body, "table");
    if (table != name) return error(fmt::format("a {} of table \"{}\" in the listing of \"{}\"", kind, table, name));
    if (kind == "table") {
      k.exists = true;
      if (body.contains("flags")) fd.foreign = true;  // dormant: its rules do nothing
    } else if (kind == "set") {
      if (auto st = read_set(body, fd); !st) return error(st.error());
    } else if (kind == "chain") {
      read_chain(body, fd);
    } else if (kind == "rule") {
      read_rule(body, fd);
    } else {
      fd.foreign = true;  // maps, counters, flowtables...: nothing lbd writes
    }
  }
  if (!k.exists) return error(fmt::format("the listing has no table \"{}\"", name));
  if (auto t = assemble(fd)) {
    k.exact = true;
    k.content = std::move(*t);
  }
  return k;
}

result<bool, std::string> lists_table(std::string_view text, std::string_view name) {
  bool found = false;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.empty()) continue;
    std::array<std::string_view, 3> words{};
    std::size_t n = 0;
    std::string_view rest = line;
    while (!rest.empty()) {
      const auto start = rest.find_first_not_of(' ');
      if (start == std::string_view::npos) break;
      rest.remove_prefix(start);
      const auto end = rest.find(' ');
      if (n == words.size()) return error(fmt::format("not a table line: \"{}\"", line));
      words.at(n++) = rest.substr(0, end);
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    }
    if (n != 3 || words[0] != "table") return error(fmt::format("not a table line: \"{}\"", line));
    if (words[1] == "inet" && words[2] == name) found = true;
  }
  return found;
}

}  // namespace lbd::nft

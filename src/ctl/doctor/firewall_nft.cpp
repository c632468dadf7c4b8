// SPDX-License-Identifier: GPL-2.0-or-later
// `nft -j list ruleset` -> firewall::ruleset.
#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "ctl/doctor/firewall_parse.hpp"

namespace lbd::ctl::doctor::firewall {
namespace {

using json = nlohmann::json;

const condition unknown_condition{"unknown", false, {}};

// Named sets of one table ("@trusted" in a rule) by name, with their elements when every one of
// them is a plain value.
using named_sets = std::map<std::string, std::vector<std::string>>;

hook hook_of(const std::string& h) {
  if (h == "input") return hook::input;
  if (h == "output") return hook::output;
  if (h == "forward") return hook::forward;
  if (h == "prerouting") return hook::prerouting;
  if (h == "postrouting") return hook::postrouting;
  return hook::none;
}

std::optional<std::string> scalar(const json& v) {
  if (v.is_string()) {
    auto s = v.get<std::string>();
    if (!s.empty() && (s[0] == '@' || s[0] == '$')) return std::nullopt;  // named set or variable
    return s;
  }
  if (v.is_object() && v.contains("elem")) return scalar(v["elem"].value("val", json()));
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_object() && v.contains("prefix")) {
    const auto& p = v["prefix"];
    if (p.contains("addr") && p["addr"].is_string() && p.contains("len") && p["len"].is_number_integer()) {
      return fmt::format("{}/{}", p["addr"].get<std::string>(), p["len"].get<int>());
    }
  }
  if (v.is_object() && v.contains("range") && v["range"].is_array() && v["range"].size() == 2) {
    auto a = scalar(v["range"][0]);
    auto b = scalar(v["range"][1]);
    if (a && b) return *a + "-" + *b;
  }
  return std::nullopt;
}

// The right-hand side as a list of values; nullopt when it is something the model cannot read.
std::optional<std::vector<std::string>> values_of(const json& right, const named_sets& sets) {
  std::vector<std::string> out;
  if (right.is_string() && right.get<std::string>().rfind('@', 0) == 0) {
    auto it = sets.find(right.get<std::string>().substr(1));
    if (it == sets.end()) return std::nullopt;
    return it->second;
  }
  const json* list = nullptr;
  if (right.is_array()) list = &right;
  if (right.is_object() && right.contains("set") && right["set"].is_array()) list = &right["set"];
  if (list == nullptr) {
    auto v = scalar(right);
    if (!v) return std::nullopt;
    out.push_back(*v);
    return out;
  }
  for (const auto& e : *list) {
    auto v = scalar(e);
    if (!v) return std::nullopt;
    out.push_back(*v);
  }
  return out;
}

// One `match` statement -> conditions (an ip payload match also pins the family).
std::vector<condition> match_conditions(const json& m, const named_sets& sets) {
  auto op = m.value("op", std::string("=="));
  if (op != "==" && op != "!=" && op != "in") return {unknown_condition};
  bool negated = op == "!=";
  auto values = values_of(m.value("right", json()), sets);
  if (!values) return {unknown_condition};
  const json& left = m.value("left", json());
  std::vector<condition> out;
  if (left.contains("meta") && left["meta"].is_object()) {
    auto key = left["meta"].value("key", std::string());
    if (key == "l4proto") return {{"l4proto", negated, *values}};
    if (key == "iifname" || key == "iif") return {{"iifname", negated, *values}};
    if (key == "oifname" || key == "oif") return {{"oifname", negated, *values}};
    if (key == "nfproto" || key == "protocol") {
      std::vector<std::string> families;
      for (const auto& v : *values) {
        if (v == "ipv4" || v == "ip") families.emplace_back("4");
        if (v == "ipv6" || v == "ip6") families.emplace_back("6");
      }
      return {{"family", negated, families}};
    }
    return {unknown_condition};
  }
  if (left.contains("payload") && left["payload"].is_object()) {
    auto proto = left["payload"].value("protocol", std::string());
    auto field = left["payload"].value("field", std::string());
    if (proto == "ip" || proto == "ip6") {
      out.push_back({"family", false, {proto == "ip" ? "4" : "6"}});
      if (field == "protocol" || field == "nexthdr") {
        out.push_back({"l4proto", negated, *values});
      } else if (field == "saddr" || field == "daddr") {
        out.push_back({field, negated, *values});
      } else {
        out.push_back(unknown_condition);
      }
      return out;
    }
    if (field == "sport" || field == "dport") {
      if (proto != "th") out.push_back({"l4proto", false, {proto}});
      out.push_back({field, negated, *values});
      return out;
    }
    return {unknown_condition};
  }
  if (left.contains("ct") && left["ct"].is_object() && left["ct"].value("key", std::string()) == "state") {
    return {{"ct_state", negated, *values}};
  }
  return {unknown_condition};
}

rule read_rule(const json& r, const named_sets& sets) {
  rule out;
  for (const auto& stmt : r.value("expr", json::array())) {
    if (!stmt.is_object() || stmt.empty()) continue;
    auto first = stmt.begin();  // a statement is an object with one member: {"drop": null}
    const std::string& name = first.key();
    const json& body = first.value();
    if (name == "match") {
      for (auto& c : match_conditions(body, sets)) out.conditions.push_back(std::move(c));
    } else if (name == "accept" || name == "drop" || name == "reject" || name == "return" || name == "continue") {
      out.action = name == "accept"   ? verdict::accept
                   : name == "drop"   ? verdict::drop
                   : name == "reject" ? verdict::reject
                   : name == "return" ? verdict::back
                                      : verdict::next;
    } else if (name == "jump" || name == "goto") {
      out.action = name == "jump" ? verdict::jump : verdict::go_to;
      out.target = body.value("target", std::string());
    } else if (name == "counter" || name == "log" || name == "mangle" || name == "notrack" || name == "set" ||
               name == "ct helper" || name == "ct count") {
      // no effect on whether the packet passes
    } else if (name == "snat" || name == "dnat" || name == "masquerade" || name == "redirect") {
      out.action = verdict::accept;
    } else {
      // limit, quota, vmap, queue, xt, ...: may stop the packet or not
      out.conditions.push_back(unknown_condition);
      out.action = verdict::accept;
    }
  }
  return out;
}

// "family table chain handle" -> rule text, from `nft -a list ruleset`.
std::map<std::string, std::string> rule_texts(std::string_view listing) {
  std::map<std::string, std::string> out;
  static const std::regex table_re(R"(^table (\S+) (\S+) \{)");
  static const std::regex chain_re(R"(^\s+chain (\S+) \{)");
  static const std::regex rule_re(R"(^\s+(.*\S) # handle (\d+)$)");
  std::string family;
  std::string table;
  std::string chain;
  std::istringstream in{std::string(listing)};
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, table_re)) {
      family = m[1];
      table = m[2];
      chain.clear();
    } else if (line.size() > 1 && line[0] == '\t' && line[1] != '\t') {
      // one tab in: a chain, or another object of the table (set, map, ...), or a closing brace
      chain = std::regex_search(line, m, chain_re) ? m[1].str() : std::string();
    } else if (!chain.empty() && std::regex_match(line, m, rule_re)) {
      out[fmt::format("{} {} {} {}", family, table, chain, m[2].str())] = m[1];
    }
  }
  return out;
}

result<ruleset, std::string> read_ruleset(std::string_view json_text, std::string_view listing) {
  auto doc = json::parse(json_text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("nftables") || !doc["nftables"].is_array()) {
    return unexpected(std::string("nft -j list ruleset printed something that is not its JSON"));
  }
  auto texts = rule_texts(listing);
  ruleset out;
  std::map<std::string, named_sets> sets;    // "family table" -> its sets
  std::map<std::string, std::size_t> index;  // "family table chain" -> position  // "family table chain" -> position
  auto key = [](const json& o) {
    return fmt::format("{} {} {}", o.value("family", std::string()), o.value("table", std::string()),
                       o.contains("chain") ? o.value("chain", std::string()) : o.value("name", std::string()));
  };
  for (const auto& item : doc["nftables"]) {
    if (!item.is_object() || !item.contains("set") || !item["set"].is_object()) continue;
    const auto& st = item["set"];
    std::vector<std::string> elements;
    bool plain = true;
    for (const auto& e : st.value("elem", json::array())) {
      auto v = scalar(e);
      plain = plain && v.has_value();
      if (v) elements.push_back(*v);
    }
    if (plain) {
      sets[fmt::format("{} {}", st.value("family", std::string()), st.value("table", std::string()))]
          [st.value("name", std::string())] = std::move(elements);
    }
  }
  for (const auto& item : doc["nftables"]) {
    if (!item.is_object()) continue;
    if (item.contains("chain") && item["chain"].is_object()) {
      const auto& c = item["chain"];
      chain ch;
      ch.source = "nft";
      ch.family = c.value("family", std::string());
      ch.table = c.value("table", std::string());
      ch.name = c.value("name", std::string());
      ch.base = hook_of(c.value("hook", std::string()));
      ch.priority = c.contains("prio") && c["prio"].is_number_integer() ? c["prio"].get<int>() : 0;
      ch.policy = c.value("policy", std::string("accept")) == "drop" ? verdict::drop : verdict::accept;
      index[key(c)] = out.chains.size();
      out.chains.push_back(std::move(ch));
    } else if (item.contains("rule") && item["rule"].is_object()) {
      const auto& r = item["rule"];
      auto it = index.find(key(r));
      if (it == index.end()) continue;
      rule parsed =
          read_rule(r, sets[fmt::format("{} {}", r.value("family", std::string()), r.value("table", std::string()))]);
      auto handle = r.contains("handle") ? r["handle"].dump() : std::string("?");
      auto text = texts.find(key(r) + " " + handle);
      parsed.text = text != texts.end() ? fmt::format("{} (handle {})", text->second, handle)
                                        : fmt::format("rule handle {}", handle);
      out.chains[it->second].rules.push_back(std::move(parsed));
    }
  }
  return out;
}

}  // namespace

result<ruleset, std::string> parse_nft(std::string_view json_text, std::string_view listing) {
  try {
    return read_ruleset(json_text, listing);
  } catch (const json::exception& e) {
    // a member of another type than nft documents: value() throws on those
    return unexpected(fmt::format("nft -j list ruleset: unexpected JSON: {}", e.what()));
  }
}

}  // namespace lbd::ctl::doctor::firewall

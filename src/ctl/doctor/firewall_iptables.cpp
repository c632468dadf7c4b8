// SPDX-License-Identifier: GPL-2.0-or-later
// `iptables-save` / `ip6tables-save` -> firewall::ruleset (filter table only).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

#include "ctl/doctor/firewall_parse.hpp"

namespace lbd::ctl::doctor::firewall {
namespace {

std::vector<std::string> tokens(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  bool have = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
      have = true;
    } else if (!quoted && std::isspace(static_cast<unsigned char>(c)) != 0) {
      if (have) out.push_back(cur);
      cur.clear();
      have = false;
    } else {
      cur += c;
      have = true;
    }
  }
  if (have) out.push_back(cur);
  return out;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    std::replace(item.begin(), item.end(), ':', '-');  // port range a:b
    out.push_back(item);
  }
  return out;
}

std::vector<std::string> lower_list(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return split_list(s);
}

hook builtin_hook(const std::string& name) {
  if (name == "INPUT") return hook::input;
  if (name == "OUTPUT") return hook::output;
  if (name == "FORWARD") return hook::forward;
  return hook::none;
}

rule read_rule(const std::vector<std::string>& t, std::size_t from, const std::set<std::string>& chains) {
  rule r;
  bool negate = false;
  auto add = [&](const std::string& key, std::vector<std::string> values) {
    r.conditions.push_back({key, negate, std::move(values)});
    negate = false;
  };
  for (std::size_t i = from; i < t.size(); ++i) {
    const auto& o = t[i];
    bool has_arg = i + 1 < t.size();
    const std::string arg = has_arg ? t[i + 1] : std::string();
    if (o == "!") {
      negate = true;
      continue;
    }
    if ((o == "-p" || o == "--protocol") && has_arg) {
      add("l4proto", lower_list(arg));
    } else if ((o == "-i" || o == "--in-interface") && has_arg) {
      add("iifname", {arg});
    } else if ((o == "-o" || o == "--out-interface") && has_arg) {
      add("oifname", {arg});
    } else if ((o == "-s" || o == "--source") && has_arg) {
      add("saddr", split_list(arg));
    } else if ((o == "-d" || o == "--destination") && has_arg) {
      add("daddr", split_list(arg));
    } else if ((o == "--dport" || o == "--destination-port" || o == "--dports") && has_arg) {
      add("dport", split_list(arg));
    } else if ((o == "--sport" || o == "--source-port" || o == "--sports") && has_arg) {
      add("sport", split_list(arg));
    } else if ((o == "--state" || o == "--ctstate") && has_arg) {
      add("ct_state", lower_list(arg));
    } else if (o == "-m" && has_arg) {
      static const std::set<std::string> harmless{"tcp", "udp", "sctp", "comment", "state", "conntrack", "multiport"};
      if (harmless.count(arg) == 0) r.conditions.push_back({"unknown", false, {}});
    } else if (o == "--comment" && has_arg) {
      // nothing to evaluate
    } else if ((o == "-j" || o == "-g" || o == "--jump" || o == "--goto") && has_arg) {
      bool go = o == "-g" || o == "--goto";
      if (arg == "ACCEPT") {
        r.action = verdict::accept;
      } else if (arg == "DROP") {
        r.action = verdict::drop;
      } else if (arg == "REJECT") {
        r.action = verdict::reject;
      } else if (arg == "RETURN") {
        r.action = verdict::back;
      } else if (chains.count(arg) != 0) {
        r.action = go ? verdict::go_to : verdict::jump;
        r.target = arg;
      } else if (arg == "LOG" || arg == "NFLOG" || arg == "MARK" || arg == "CONNMARK" || arg == "CT" ||
                 arg == "NOTRACK" || arg == "TRACE") {
        r.action = verdict::next;
      } else {  // NFQUEUE and the like: may stop the packet
        r.conditions.push_back({"unknown", false, {}});
        r.action = verdict::accept;
      }
      // the target's own options (--reject-with ...) follow; they change nothing here
      ++i;
      while (i + 1 < t.size() && t[i + 1] != "!" && t[i + 1] != "-m") ++i;
      continue;
    } else if (o.rfind("-", 0) == 0) {
      r.conditions.push_back({"unknown", false, {}});
      negate = false;
      while (i + 1 < t.size() && t[i + 1].rfind("-", 0) != 0 && t[i + 1] != "!") ++i;
      continue;
    } else {
      continue;
    }
    ++i;  // the option's argument
  }
  return r;
}

}  // namespace

result<ruleset, std::string> parse_iptables_save(std::string_view text, int family) {
  std::istringstream in{std::string(text)};
  std::string line;
  std::string table;
  std::vector<std::string> lines;
  // First pass: chain names (a rule may jump to a chain declared later).
  ruleset out;
  std::set<std::string> chain_names;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == '*') {
      table = line.substr(1);
      continue;
    }
    if (table != "filter") continue;
    if (line[0] == ':') {
      auto t = tokens(line.substr(1));
      if (t.empty()) continue;
      chain c;
      c.source = "iptables";
      c.family = family == 6 ? "ip6" : "ip";
      c.table = "filter";
      c.name = t[0];
      c.base = builtin_hook(t[0]);
      c.policy = t.size() > 1 && t[1] == "DROP" ? verdict::drop : verdict::accept;
      chain_names.insert(c.name);
      out.chains.push_back(std::move(c));
    } else if (line.rfind("-A ", 0) == 0) {
      lines.push_back(line);
    } else if (line != "COMMIT") {
      return unexpected(fmt::format("iptables-save: cannot read line '{}'", line));
    }
  }
  for (const auto& l : lines) {
    auto t = tokens(l);
    if (t.size() < 2) continue;
    auto it = std::find_if(out.chains.begin(), out.chains.end(), [&](const chain& c) { return c.name == t[1]; });
    if (it == out.chains.end()) return unexpected(fmt::format("iptables-save: rule for undeclared chain {}", t[1]));
    rule r = read_rule(t, 2, chain_names);
    r.text = l;
    it->rules.push_back(std::move(r));
  }
  return out;
}

}  // namespace lbd::ctl::doctor::firewall

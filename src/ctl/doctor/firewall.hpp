// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A small model of netfilter rules, enough to answer "would this packet be dropped?" for the few
// packets a director depends on (VRRP adverts, health-check connections). Rules come from
// `nft -j list ruleset` or `iptables-save` (firewall_parse.hpp); the evaluation is pure.
//
// A rule whose conditions all hold for the packet is applied; one with a condition the model does
// not understand (sets by name, limits, marks...) might or might not hold, so a drop after such an
// accept is reported as uncertain, and such a drop itself is never reported.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/address.hpp"

namespace lbd::ctl::doctor::firewall {

enum class hook { none, prerouting, input, forward, output, postrouting };
enum class verdict { next, accept, drop, reject, jump, go_to, back };  // back: `return`

struct condition {
  // l4proto (numbers or names), iifname / oifname ("eth*" / "eth+" wildcards), saddr / daddr
  // (addresses or prefixes), sport / dport (ports or "a-b" ranges), ct_state, family ("4" / "6"),
  // unknown (never known to hold).
  std::string key;
  bool negated = false;
  std::vector<std::string> values;  // any of them
};

struct rule {
  std::vector<condition> conditions;
  verdict action = verdict::next;
  std::string target;  // jump / goto
  std::string text;    // as the tool prints it
};

struct chain {
  std::string source;  // "nft" or "iptables"
  std::string family;  // ip, ip6, inet (others never see IP packets on these hooks)
  std::string table;
  std::string name;
  hook base = hook::none;  // none: only reached by jump / goto
  int priority = 0;
  verdict policy = verdict::accept;
  std::vector<rule> rules;
};

struct ruleset {
  std::vector<chain> chains;
};

struct packet {
  hook where = hook::input;
  int family = 4;
  int l4proto = 0;
  std::optional<std::string> iif;
  std::optional<std::string> oif;
  std::optional<ip_address> saddr;
  std::optional<ip_address> daddr;
  std::optional<std::uint16_t> sport;
  std::optional<std::uint16_t> dport;
  std::string ct_state = "new";
};

struct block {
  std::string where;  // "nft table inet filter chain input"
  std::string rule;   // the rule's text, or "policy drop"
  bool certain = true;
};

// The first chain that drops or rejects the packet, if any.
std::optional<block> find_block(const ruleset& rules, const packet& p);

// Protocol number of a name nft or iptables prints ("vrrp" -> 112), or of a number; -1 if unknown.
int protocol_number(const std::string& name);

}  // namespace lbd::ctl::doctor::firewall

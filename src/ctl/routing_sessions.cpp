// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl/routing_sessions.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace lbd::ctl::routing {
namespace {

constexpr std::string_view blanks = " \t\r";

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(blanks) - first + 1);
}

// The first word of `rest`, which loses it and the blanks before it.
std::string_view take_word(std::string_view& rest) {
  rest = trim(rest);
  const auto end = std::min(rest.find_first_of(blanks), rest.size());
  const auto word = rest.substr(0, end);
  rest.remove_prefix(end);
  return word;
}

// One line of the table, or nothing when it is not a BGP protocol's (another protocol, a blank line).
std::optional<bgp_session> bird_row(std::string_view line) {
  std::string_view rest = line;
  const auto name = take_word(rest);
  const auto proto = take_word(rest);
  take_word(rest);  // the table
  const auto state = take_word(rest);
  if (state.empty() || proto != "BGP") return std::nullopt;
  // birdc prints Since and Info as "%-12s  %s", and Since may hold one space ("2026-12-07
  // 05:12:01" with `timeformat protocol iso long`): two blanks end it.
  rest = trim(rest);
  const auto gap = rest.find("  ");
  bgp_session s{std::string(name), std::string(state), std::string(rest.substr(0, gap)), {}};
  // A BGP protocol's Info is its BGP state, then the last error ("Connect       Socket: No route to
  // host"); a disabled one has none and keeps BIRD's state ("down").
  std::string_view info = gap == std::string_view::npos ? std::string_view() : rest.substr(gap);
  if (const auto bgp_state = take_word(info); !bgp_state.empty()) s.state = bgp_state;
  s.info = trim(info);
  return s;
}

// A member as text: FRR prints the states as strings and the counts as numbers.
std::string member_text(const nlohmann::json& peer, const char* key) {
  const auto it = peer.find(key);
  if (it == peer.end()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
}

}  // namespace

result<std::vector<bgp_session>, std::string> parse_bird_protocols(std::string_view text) {
  std::vector<bgp_session> out;
  bool in_table = false;
  while (!text.empty()) {
    const auto end = std::min(text.find('\n'), text.size());
    const auto line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    if (!in_table) {
      std::string_view header = line;
      in_table = take_word(header) == "Name" && take_word(header) == "Proto";
      continue;
    }
    if (auto s = bird_row(line)) out.push_back(std::move(*s));
  }
  if (!in_table) return unexpected(std::string("birdc printed no protocol table"));
  return out;
}

std::string bird_version(std::string_view text) {
  std::string_view banner = text.substr(0, text.find('\n'));
  if (take_word(banner) != "BIRD") return {};
  const auto version = take_word(banner);
  return trim(banner) == "ready." ? std::string(version) : std::string();
}

result<std::vector<bgp_session>, std::string> parse_frr_bgp_summary(const nlohmann::json& summary) {
  if (!summary.is_object()) return unexpected(std::string("show bgp summary json: not a JSON object"));
  std::vector<bgp_session> out;
  for (const auto& [family, label] : {std::pair{"ipv4Unicast", "ipv4"}, std::pair{"ipv6Unicast", "ipv6"}}) {
    const auto af = summary.find(family);
    if (af == summary.end() || !af->is_object()) continue;
    const auto peers = af->find("peers");
    if (peers == af->end() || !peers->is_object()) continue;
    for (const auto& item : peers->items()) {
      const std::string& neighbor = item.key();
      const auto& peer = item.value();
      if (!peer.is_object())
        return unexpected(fmt::format("show bgp summary json: {} {} is not an object", family, neighbor));
      auto s = std::find_if(out.begin(), out.end(), [&](const bgp_session& b) { return b.name == neighbor; });
      if (s == out.end())
        s = out.insert(out.end(), {neighbor, member_text(peer, "state"), member_text(peer, "peerUptime"), {}});
      const auto received = member_text(peer, "pfxRcd");
      const auto sent = member_text(peer, "pfxSnt");
      if (received.empty() && sent.empty()) continue;
      if (!s->info.empty()) s->info += "; ";
      s->info +=
          fmt::format("{}: {} received, {} sent", label, received.empty() ? "?" : received, sent.empty() ? "?" : sent);
    }
  }
  return out;
}

daemon_kind pick(const daemon_paths& paths, const std::function<bool(const std::string&)>& exists) {
  if (exists(paths.birdc) && exists(paths.bird_socket)) return daemon_kind::bird;
  if (exists(paths.vtysh) && exists(paths.bgpd_vty)) return daemon_kind::frr;
  return daemon_kind::none;
}

}  // namespace lbd::ctl::routing

// SPDX-License-Identifier: GPL-2.0-or-later
#include "vrrp/resume.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <optional>

namespace lbd::vrrp {
namespace {

constexpr std::string_view magic = "lbd-vrrp-state 1";

template <class T>
std::optional<T> parse_number(std::string_view s) {
  T v{};
  if (s.empty() || s.size() > 20) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> parse_hex64(std::string_view s) {
  std::uint64_t v = 0;
  if (s.size() != 16) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<state> parse_role(std::string_view s) {
  for (state r : {state::init, state::backup, state::master, state::fault}) {
    if (to_string(r) == s) return r;
  }
  return std::nullopt;
}

// Names as the config allows them: printable, no blanks, bounded.
bool plain_word(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

void fnv(std::uint64_t& h, std::string_view s) {
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  h ^= 0xff;  // field separator: ("ab","c") and ("a","bc") differ
  h *= 0x100000001b3ULL;
}

}  // namespace

std::string encode(const saved_state& s) {
  std::string out = fmt::format("{}\ninstance {}\nidentity {:016x}\nrole {}\nlast_advert_ns {}\n", magic, s.instance,
                                s.identity, to_string(s.role), s.last_advert.time_since_epoch().count());
  out += fmt::format("advert_interval_cs {}\ninterface {}\n", s.advert_interval.count(), s.interface);
  for (const auto& v : s.vips) out += fmt::format("vip {}\n", to_string(v));
  return out;
}

result<saved_state, std::string> parse_saved_state(std::string_view text) {
  if (text.size() > saved_state_max_bytes) return unexpected(std::string("state file too large"));
  if (text.empty() || text.back() != '\n') return unexpected(std::string("state file truncated"));
  saved_state s;
  enum : unsigned { f_instance = 1, f_identity = 2, f_role = 4, f_advert = 8, f_interval = 16, f_interface = 32 };
  unsigned seen = 0;
  bool first = true;
  std::size_t line_no = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    ++line_no;
    auto bad = [&](std::string_view why) { return unexpected(fmt::format("line {}: {}", line_no, why)); };
    if (first) {
      if (line != magic) return bad("not an lbd VRRP state file (version 1)");
      first = false;
      continue;
    }
    const auto sp = line.find(' ');
    if (sp == std::string_view::npos) return bad("expected `key value`");
    const std::string_view key = line.substr(0, sp);
    const std::string_view value = line.substr(sp + 1);
    auto once = [&](unsigned bit) {
      const bool dup = (seen & bit) != 0;
      seen |= bit;
      return !dup;
    };
    if (key == "instance") {
      if (!once(f_instance) || !plain_word(value)) return bad("bad or repeated instance");
      s.instance = std::string(value);
    } else if (key == "identity") {
      auto v = parse_hex64(value);
      if (!once(f_identity) || !v) return bad("bad or repeated identity");
      s.identity = *v;
    } else if (key == "role") {
      auto v = parse_role(value);
      if (!once(f_role) || !v) return bad("bad or repeated role");
      s.role = *v;
    } else if (key == "last_advert_ns") {
      auto v = parse_number<std::int64_t>(value);
      if (!once(f_advert) || !v || *v < 0) return bad("bad or repeated last_advert_ns");
      s.last_advert = time_point(std::chrono::duration_cast<clock::duration>(std::chrono::nanoseconds(*v)));
    } else if (key == "advert_interval_cs") {
      auto v = parse_number<std::int64_t>(value);
      if (!once(f_interval) || !v || *v < 1 || *v > 4095) return bad("bad or repeated advert_interval_cs");
      s.advert_interval = centiseconds(*v);
    } else if (key == "interface") {
      if (!once(f_interface) || !plain_word(value) || value.size() > 15) return bad("bad or repeated interface");
      s.interface = std::string(value);
    } else if (key == "vip") {
      auto p = parse_prefix(value);
      if (!p || s.vips.size() >= saved_state_max_vips) return bad("bad vip or too many");
      s.vips.push_back(*p);
    } else {
      return bad("unknown key");
    }
  }
  if (seen != (f_instance | f_identity | f_role | f_advert | f_interval | f_interface))
    return unexpected(std::string("state file incomplete"));
  return s;
}

std::uint64_t identity_of(const instance_config& c) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  fnv(h, c.name);
  fnv(h, c.interface);
  if (c.vmac_interface) fnv(h, "vmac " + *c.vmac_interface);  // VIPs elsewhere: another router
  fnv(h, std::to_string(c.vrid));
  fnv(h, to_string(c.version));
  fnv(h, std::to_string(c.priority));
  fnv(h, std::to_string(c.advert_interval.count()));
  fnv(h, c.primary_address.to_string());
  std::vector<std::string> vips;
  vips.reserve(c.virtual_ips.size());
  for (const auto& v : c.virtual_ips) vips.push_back(to_string(v));
  std::sort(vips.begin(), vips.end());
  for (const auto& v : vips) fnv(h, v);
  return h;
}

std::chrono::nanoseconds resume_window(centiseconds advert_interval) { return 3 * advert_interval; }

std::optional<std::chrono::seconds> release_hold(const saved_state& saved, time_point now) {
  constexpr auto margin = std::chrono::milliseconds(500);
  if (saved.role != state::master || now < saved.last_advert) return std::nullopt;
  const auto left = saved.last_advert + resume_window(saved.advert_interval) - margin - now;
  const auto whole = std::chrono::floor<std::chrono::seconds>(left);
  if (whole < std::chrono::seconds(1)) return std::nullopt;
  return whole;
}

resume_decision decide_resume(const saved_state& saved, const instance_config& config, time_point now) {
  auto no = [](std::string why) { return resume_decision{false, std::move(why)}; };
  if (saved.instance != config.name) return no("state of another instance");
  if (saved.role != state::master) return no(fmt::format("was {}", to_string(saved.role)));
  if (saved.identity != identity_of(config)) return no("configuration changed since");
  if (saved.advert_interval != config.advert_interval) return no("advert interval changed since");
  if (now < saved.last_advert) return no("last advert lies in the future (clock from another boot?)");
  const auto since = std::chrono::duration_cast<std::chrono::milliseconds>(now - saved.last_advert);
  const auto window = resume_window(config.advert_interval);
  if (now - saved.last_advert >= window) {
    return no(fmt::format("last advert {} ms ago, after the {} ms a peer waits", since.count(),
                          std::chrono::duration_cast<std::chrono::milliseconds>(window).count()));
  }
  return {true, fmt::format("restart {} ms after its last advert as master, within the {} ms a peer waits",
                            since.count(), std::chrono::duration_cast<std::chrono::milliseconds>(window).count())};
}

}  // namespace lbd::vrrp

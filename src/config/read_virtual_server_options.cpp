// SPDX-License-Identifier: GPL-2.0-or-later
// scheduler_flags, tunnel, persistence and quorum of a [[virtual_server]].
#include <fmt/format.h>

#include <array>
#include <bit>

#include "config/read_virtual_server_parts.hpp"

namespace lbd::config::detail {

scheduler_flags read_scheduler_flags(const table_reader& r, scheduler sched) {
  scheduler_flags f;
  const auto* a = r.array("scheduler_flags");
  if (a == nullptr) return f;
  constexpr std::array<std::string_view, 5> names{"sh-fallback", "sh-port", "mh-fallback", "mh-port", "one-packet"};
  for (std::size_t i = 0; i < a->size(); ++i) {
    const auto& n = *a->get(i);
    std::string where = fmt::format("{}[{}]", r.where("scheduler_flags"), i);
    auto s = r.values().string(n, where);
    if (!s) continue;
    bool* flag = nullptr;
    std::optional<scheduler> needs;
    if (*s == "sh-fallback" || *s == "mh-fallback") flag = &f.fallback;
    if (*s == "sh-port" || *s == "mh-port") flag = &f.port;
    if (s->rfind("sh-", 0) == 0) needs = scheduler::sh;
    if (s->rfind("mh-", 0) == 0) needs = scheduler::mh;
    if (*s == "one-packet") flag = &f.one_packet;
    if (flag == nullptr) {
      r.values().error(n, where, fmt::format("'{}' is not a scheduler flag{}", *s, suggestion(*s, names)));
      continue;
    }
    if (needs && *needs != sched) {
      r.values().error(
          n, where,
          fmt::format("'{}' needs scheduler = \"{}\" (this service uses {})", *s, to_string(*needs), to_string(sched)));
      continue;
    }
    if (*flag) {
      r.values().error(n, where, fmt::format("'{}' is listed twice", *s));
      continue;
    }
    *flag = true;
  }
  return f;
}

std::optional<tunnel_settings> read_tunnel(const table_reader& r) {
  tunnel_settings t;
  bool ok = true;
  if (auto v = r.choice("type", tunnel_type_names)) {
    t.type = *v;
  } else {
    ok = !r.has("type");
  }
  if (auto v = r.integer("port", 1, 65535)) {
    if (ok && t.type != tunnel_type::gue) {
      r.error("port", fmt::format("only gue tunnels have a port (this one is {})", to_string(t.type)));
    } else {
      t.port = static_cast<std::uint16_t>(*v);
    }
  } else if (ok && t.type == tunnel_type::gue && !r.has("port")) {
    r.missing("port");
  }
  if (auto v = r.choice("checksum", tunnel_checksum_names)) {
    if (ok && *v == tunnel_checksum::remcsum && t.type != tunnel_type::gue) {
      r.error("checksum", "remcsum needs a gue tunnel");
    } else if (ok && *v != tunnel_checksum::nocsum && t.type == tunnel_type::ipip) {
      r.error("checksum", "ipip tunnels carry no checksum; use gue or gre");
    } else {
      t.checksum = *v;
    }
  }
  r.finish({"type", "port", "checksum"});
  return t;
}

std::optional<persistence_settings> read_persistence(const table_reader& r, address_family family, protocol proto) {
  persistence_settings p;
  p.netmask_length = family == address_family::inet ? 32 : 128;
  if (auto v = r.positive_duration("timeout")) {
    if (v->count() % 1'000'000'000 != 0) {
      r.error("timeout", fmt::format("{} is not a whole number of seconds", format_duration(*v)));
    } else {
      p.timeout = *v;
    }
  }
  if (const auto* n = r.get("netmask")) {
    if (family == address_family::inet) {
      // IPv4: a dotted mask, as ipvsadm writes it.
      auto a = r.values().address(*n, r.where("netmask"));
      if (a && !a->is_v4()) {
        r.error("netmask", "an IPv4 service needs an IPv4 netmask such as \"255.255.255.0\"");
      } else if (a) {
        std::uint32_t m = a->to_v4().to_uint();
        auto ones = static_cast<unsigned>(std::popcount(m));
        if (ones == 0 || (ones < 32 && (m << ones) != 0)) {
          r.error("netmask", fmt::format("{} is not a contiguous netmask", a->to_string()));
        } else {
          p.netmask_length = ones;
        }
      }
    } else if (n->is_integer()) {
      if (auto v = r.values().integer(*n, r.where("netmask"), 1, 128)) p.netmask_length = static_cast<unsigned>(*v);
    } else {
      r.error("netmask",
              fmt::format("an IPv6 service needs a prefix length from 1 to 128, got {}", type_phrase(n->type())));
    }
  }
  if (auto v = r.string("pe")) {
    if (*v != "sip") {
      r.error("pe", fmt::format("'{}' is not a persistence engine; the only one is \"sip\"", *v));
    } else if (proto != protocol::udp) {
      r.error("pe", "the sip persistence engine needs protocol = \"udp\"");
    } else {
      p.pe = *v;
    }
  }
  r.finish({"timeout", "netmask", "pe"});
  return p;
}

std::optional<quorum_settings> read_quorum(const table_reader& r) {
  quorum_settings q;
  if (auto v = r.integer("min_weight", 0, 4294967295)) q.min_weight = static_cast<std::uint32_t>(*v);
  if (auto v = r.integer("hysteresis", 0, 4294967295)) {
    if (*v > q.min_weight) {
      r.error("hysteresis", fmt::format("{} is above min_weight {}", *v, q.min_weight));
    } else {
      q.hysteresis = static_cast<std::uint32_t>(*v);
    }
  }
  if (auto v = r.command("up")) q.up = std::move(*v);
  if (auto v = r.command("down")) q.down = std::move(*v);
  r.finish({"min_weight", "hysteresis", "up", "down"});
  return q;
}

}  // namespace lbd::config::detail

// SPDX-License-Identifier: GPL-2.0-or-later
#include <fmt/format.h>

#include <set>

#include "config/read_vrrp_extras.hpp"

namespace lbd::config::detail {

garp_settings read_garp(const table_reader& r) {
  garp_settings g;
  if (auto v = r.integer("repeat", 0, 255)) g.repeat = static_cast<unsigned>(*v);
  if (auto v = r.duration_value("delay")) g.delay = *v;
  if (auto v = r.duration_value("refresh")) {
    if (v->count() > 0 && *v < std::chrono::seconds(1)) {
      r.error("refresh", fmt::format("{} is below the minimum 1s (0s turns it off)", format_duration(*v)));
    } else {
      g.refresh = *v;
    }
  }
  if (auto v = r.duration_value("master_delay")) {
    if (*v > std::chrono::hours(1)) {
      r.error("master_delay", fmt::format("{} is longer than 1h", format_duration(*v)));
    } else {
      g.master_delay = *v;
    }
  }
  r.finish({"repeat", "delay", "refresh", "master_delay"});
  return g;
}

namespace {

// The weight of a tracked interface or script: 0 = FAULT, otherwise a priority adjustment.
std::optional<int> read_track_weight(const table_reader& r) {
  auto v = r.integer("weight", -254, 254);
  if (!v) return std::nullopt;
  return static_cast<int>(*v);
}

}  // namespace

std::vector<tracked_interface> read_track_interfaces(const table_reader& parent) {
  std::vector<tracked_interface> out;
  const auto* a = parent.array("track_interfaces");
  if (a == nullptr) return out;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < a->size(); ++i) {
    std::string where = fmt::format("{}[{}]", parent.where("track_interfaces"), i);
    const auto* t = parent.values().table(*a->get(i), where);
    if (t == nullptr) continue;
    table_reader r(parent.values().sink(), *t, where);
    tracked_interface ti;
    if (auto v = r.word("name")) {
      if (!valid_interface_name(*v)) {
        r.error("name", fmt::format("'{}' is not a valid interface name", *v));
      } else if (!seen.insert(*v).second) {
        r.error("name", fmt::format("interface '{}' is tracked twice", *v));
      } else {
        ti.name = *v;
      }
    } else if (!r.has("name")) {
      r.missing("name");
    }
    if (auto w = read_track_weight(r)) ti.weight = *w;
    r.finish({"name", "weight"});
    out.push_back(std::move(ti));
  }
  return out;
}

std::vector<track_script> read_track_scripts(const table_reader& parent) {
  std::vector<track_script> out;
  const auto* a = parent.array("track_scripts");
  if (a == nullptr) return out;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < a->size(); ++i) {
    std::string where = fmt::format("{}[{}]", parent.where("track_scripts"), i);
    const auto* t = parent.values().table(*a->get(i), where);
    if (t == nullptr) continue;
    table_reader r(parent.values().sink(), *t, where);
    track_script s;
    if (auto v = r.word("name")) {
      if (!valid_name(*v)) {
        r.error("name", invalid_name_message(*v));
      } else if (!seen.insert(*v).second) {
        r.error("name", fmt::format("track script '{}' is defined twice", *v));
      } else {
        s.name = *v;
      }
    } else if (!r.has("name")) {
      r.missing("name");
    }
    if (auto v = r.command("command")) s.command = std::move(*v);
    if (!r.has("command")) r.missing("command");
    // Each run starts a process: more than ten a second is no tracking but load.
    if (auto v = r.duration_at_least("interval", std::chrono::milliseconds(100), "each run starts a process"))
      s.interval = *v;
    if (auto v = r.duration_at_least("timeout", std::chrono::milliseconds(10), "starting a process takes longer"))
      s.timeout = *v;
    if (s.timeout >= s.interval) {
      r.error(r.has("timeout") ? "timeout" : "interval",
              fmt::format("timeout {} must be shorter than interval {}", format_duration(s.timeout),
                          format_duration(s.interval)));
    }
    if (auto v = r.integer("rise", 1, 65535)) s.rise = static_cast<unsigned>(*v);
    if (auto v = r.integer("fall", 1, 65535)) s.fall = static_cast<unsigned>(*v);
    if (auto w = read_track_weight(r)) s.weight = *w;
    read_account(r, "user", "group", true, s.user, s.group);
    r.finish({"name", "command", "interval", "timeout", "rise", "fall", "weight", "user", "group"});
    out.push_back(std::move(s));
  }
  return out;
}

vrrp_notify read_vrrp_notify(const table_reader& r) {
  vrrp_notify n;
  if (auto v = r.command("master")) n.master = std::move(*v);
  if (auto v = r.command("backup")) n.backup = std::move(*v);
  if (auto v = r.command("fault")) n.fault = std::move(*v);
  if (auto v = r.command("stop")) n.stop = std::move(*v);
  if (auto v = r.command("any")) n.any = std::move(*v);
  if (auto v = r.choice("arguments", notify_arguments_names)) n.arguments = *v;
  if (auto v = r.duration_at_least("master_wait", std::chrono::milliseconds(10), "the VIPs wait for the command")) {
    if (*v > std::chrono::seconds(60)) {
      r.error("master_wait",
              fmt::format("{} is longer than 60s (a notify command is killed after 60s)", format_duration(*v)));
    } else if (n.master.empty()) {
      r.error("master_wait", "needs a master command to wait for");
    } else {
      n.master_wait = *v;
    }
  }
  r.finish({"master", "backup", "fault", "stop", "any", "arguments", "master_wait"});
  return n;
}

std::optional<std::string> read_auth(const table_reader& r) {
  std::optional<std::string> password;
  if (auto v = r.string("type")) {
    if (*v != "pass") r.error("type", fmt::format("'{}' is not supported; the only type is \"pass\"", *v));
  } else if (!r.has("type")) {
    r.missing("type");
  }
  if (auto v = r.word("password")) {
    if (v->size() > 8) {
      r.error("password", fmt::format("is {} bytes long; VRRPv2 passwords are at most 8", v->size()));
    } else {
      password = *v;
    }
  } else if (!r.has("password")) {
    r.missing("password");
  }
  r.finish({"type", "password"});
  return password;
}

}  // namespace lbd::config::detail

// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/read_check_script.hpp"

#include <fmt/format.h>

#include "config/names.hpp"
#include "config/sections.hpp"

namespace lbd::config::detail {

void read_script(const table_reader& r, healthcheck::script_params& s, bool fresh) {
  if (auto v = r.command("command")) s.argv = std::move(*v);
  if (fresh && !r.has("command")) r.missing("command");
  if (r.has("user") || r.has("group")) {
    std::string user = r.has("user") ? std::string{} : s.user;  // a server's check may change either
    std::string group = r.has("group") ? std::string{} : s.group;
    read_account(r, "user", "group", true, user, group);
    s.user = std::move(user);
    s.group = std::move(group);
  }
  if (const auto* t = r.subtable("dynamic_weight")) {
    table_reader wr(r.values().sink(), *t, r.where("dynamic_weight"));
    const auto from = wr.choice("from", weight_source_names);
    const bool exit_code = from == healthcheck::weight_source::exit_code;
    auto lo = wr.integer("min", 0, 65535);
    auto hi = wr.integer("max", 0, 65535);
    // From the exit code (keepalived's misc_dynamic) the weight is code - 2, 0-253 unless narrowed.
    if (exit_code && !wr.has("min")) lo = 0;
    if (exit_code && !wr.has("max")) hi = 253;
    if (!exit_code && !wr.has("min")) wr.missing("min");
    if (!exit_code && !wr.has("max")) wr.missing("max");
    if (lo && hi && *lo > *hi) {
      wr.error("min", fmt::format("min {} is above max {}", *lo, *hi));
    } else if (lo && hi && (from || !wr.has("from"))) {
      s.dynamic_weight = from.value_or(healthcheck::weight_source::stdout_line);
      s.min_weight = static_cast<unsigned>(*lo);
      s.max_weight = static_cast<unsigned>(*hi);
    }
    wr.finish({"from", "min", "max"});
  }
}

}  // namespace lbd::config::detail

// SPDX-License-Identifier: GPL-2.0-or-later
// [[sync_group]]: a name and the group's notify hooks (same keys as vrrp.notify).
#include <fmt/format.h>

#include "config/read_vrrp_extras.hpp"
#include "config/sections.hpp"

namespace lbd::config::detail {

parsed_sync_group read_sync_group(diagnostic_sink& sink, const toml::table& t, std::size_t index) {
  parsed_sync_group p;
  p.source = &t;
  table_reader r(sink, t, fmt::format("sync_group[#{}]", index + 1));
  if (auto name = read_section_name(r, "sync_group")) {
    p.model.name = *name;
    p.name_ok = true;
  }
  if (const auto* n = r.subtable("notify"))
    p.model.notify = read_vrrp_notify(table_reader(sink, *n, r.where("notify")));
  r.finish({"name", "notify"});
  return p;
}

}  // namespace lbd::config::detail

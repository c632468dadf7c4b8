// SPDX-License-Identifier: GPL-2.0-or-later
// One [[anycast]] group: its VIPs, where they live, and the watermarks of its announcement.
#include <fmt/format.h>

#include <algorithm>

#include "config/sections.hpp"

namespace lbd::config::detail {
namespace {

void read_group_vips(const table_reader& r, anycast_group& g) {
  const auto* a = virtual_ip_list(r);
  if (a == nullptr) return;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const auto& n = *a->get(i);
    const std::string where = fmt::format("{}[{}]", r.where("virtual_ips"), i);
    auto ip = r.values().address(n, where);
    if (!ip) continue;
    // Each VIP is announced as a host route: a prefix would draw a whole range to every director.
    if (ip->is_unspecified() || ip->is_multicast() || ip->is_loopback()) {
      r.values().error(n, where, fmt::format("{} cannot be a virtual IP", ip->to_string()));
    } else if (std::find(g.virtual_ips.begin(), g.virtual_ips.end(), *ip) != g.virtual_ips.end()) {
      r.values().error(n, where, fmt::format("{} is listed twice", ip->to_string()));
    } else {
      g.virtual_ips.push_back(*ip);
    }
  }
}

}  // namespace

parsed_anycast read_anycast(diagnostic_sink& sink, const toml::table& t, std::size_t index) {
  parsed_anycast p;
  p.source = &t;
  table_reader r(sink, t, fmt::format("anycast[#{}]", index + 1));
  if (auto name = read_section_name(r, "anycast")) {
    p.model.name = *name;
    p.name_ok = true;
  }
  auto& g = p.model;
  read_group_vips(r, g);
  if (auto v = r.word("interface")) {
    if (valid_interface_name(*v)) {
      g.interface = *v;
    } else {
      r.error("interface", fmt::format("'{}' is not a valid interface name", *v));
    }
  }
  if (auto v = r.integer("high_watermark", 0, 100)) g.high_watermark = static_cast<unsigned>(*v);
  if (auto v = r.integer("low_watermark", 0, 100)) g.low_watermark = static_cast<unsigned>(*v);
  if (g.low_watermark > g.high_watermark) {
    r.error(r.has("low_watermark") ? "low_watermark" : "high_watermark",
            fmt::format("low_watermark {}% is above high_watermark {}%: the route would be withdrawn as soon as it "
                        "is announced",
                        g.low_watermark, g.high_watermark));
  }
  r.finish({"name", "virtual_ips", "interface", "high_watermark", "low_watermark"});
  return p;
}

}  // namespace lbd::config::detail

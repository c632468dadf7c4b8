// SPDX-License-Identifier: GPL-2.0-or-later
#include "nft/plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

namespace lbd::nft {

std::string_view to_string(batch_kind k) {
  switch (k) {
    case batch_kind::none: return "none";
    case batch_kind::create: return "create";
    case batch_kind::elements: return "elements";
    case batch_kind::replace: return "replace";
    case batch_kind::remove: return "remove";
  }
  return "unknown";
}

std::string batch::text() const {
  std::string s;
  for (const auto& c : commands) {
    s += c;
    s += '\n';
  }
  return s;
}

namespace {

std::string elements(const std::set<vip>& vips) {
  std::string s;
  for (const auto& v : vips) {
    if (!s.empty()) s += ", ";
    s += fmt::format("{} . {}", v.address, v.port);
  }
  return s;
}

std::string element_command(std::string_view verb, std::string_view name, ip_family f, protocol p,
                            const std::set<vip>& vips) {
  return fmt::format("{} element inet {} {} {{ {} }}", verb, name, set_name(f, p), elements(vips));
}

std::string rule(std::string_view name, ip_family f, protocol p, const lip_pool& pool) {
  const bool v4 = f == ip_family::ipv4;
  const std::string to = pool.first == pool.last ? pool.first : fmt::format("{}-{}", pool.first, pool.last);
  return fmt::format(
      "add rule inet {} postrouting meta l4proto {} ct original {} daddr . ct original proto-dst @{} "
      "snat {} to {} fully-random",
      name, to_string(p), v4 ? "ip" : "ip6", set_name(f, p), v4 ? "ip" : "ip6", to);
}

std::set<vip> minus(const std::set<vip>& a, const std::set<vip>& b) {
  std::set<vip> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::inserter(out, out.end()));
  return out;
}

// Same families with the same pools: the rules are equal and only elements can differ.
bool same_shape(const nat_table& a, const nat_table& b) {
  return std::all_of(all_families.begin(), all_families.end(), [&](ip_family f) {
    const auto& x = a.of(f);
    const auto& y = b.of(f);
    return x.has_value() == y.has_value() && (!x || x->pool == y->pool);
  });
}

}  // namespace

std::vector<std::string> create_commands(std::string_view name, const nat_table& desired) {
  std::vector<std::string> cmds;
  if (desired.empty()) return cmds;
  cmds.push_back(fmt::format("add table inet {}", name));
  for (const ip_family f : all_families) {
    const auto& fam = desired.of(f);
    if (!fam) continue;
    for (const protocol p : all_protocols) {
      cmds.push_back(fmt::format("add set inet {} {} {{ type {} . inet_service; }}", name, set_name(f, p),
                                 f == ip_family::ipv4 ? "ipv4_addr" : "ipv6_addr"));
      if (!fam->of(p).empty()) cmds.push_back(element_command("add", name, f, p, fam->of(p)));
    }
  }
  cmds.push_back(fmt::format(
      "add chain inet {} postrouting {{ type nat hook postrouting priority srcnat; policy accept; }}", name));
  for (const ip_family f : all_families) {
    const auto& fam = desired.of(f);
    if (!fam) continue;
    for (const protocol p : all_protocols) cmds.push_back(rule(name, f, p, fam->pool));
  }
  return cmds;
}

batch plan(std::string_view name, const kernel_table& kernel, const nat_table& desired) {
  if (desired.empty()) {
    if (!kernel.exists) return batch{};
    return batch{batch_kind::remove, {fmt::format("delete table inet {}", name)}, {}};
  }
  if (!kernel.exists) return batch{batch_kind::create, create_commands(name, desired), desired};
  if (!kernel.exact || !same_shape(kernel.content, desired)) {
    batch b{batch_kind::replace, {fmt::format("delete table inet {}", name)}, desired};
    auto create = create_commands(name, desired);
    b.commands.insert(b.commands.end(), create.begin(), create.end());
    return b;
  }
  batch b{batch_kind::elements, {}, desired};
  std::vector<std::string> adds;
  for (const ip_family f : all_families) {
    const auto& want = desired.of(f);
    if (!want) continue;
    const auto& have = *kernel.content.of(f);
    for (const protocol p : all_protocols) {
      const auto gone = minus(have.of(p), want->of(p));
      const auto added = minus(want->of(p), have.of(p));
      if (!gone.empty()) b.commands.push_back(element_command("delete", name, f, p, gone));
      if (!added.empty()) adds.push_back(element_command("add", name, f, p, added));
    }
  }
  b.commands.insert(b.commands.end(), adds.begin(), adds.end());
  if (b.commands.empty()) return batch{batch_kind::none, {}, desired};
  return b;
}

}  // namespace lbd::nft

// SPDX-License-Identifier: GPL-2.0-or-later
// `virtual_server group NAME` with its `virtual_server_group NAME { ... }`: keepalived runs one set of
// checkers for the group's real servers and applies their results to every address of the group.
// lbd gets one [[virtual_server]] per address with the same body; identical checks of several
// services run once in lbd (the check registry shares them), so the probes and their results are the
// same as keepalived's.
#include <fmt/format.h>

#include <cstdlib>

#include "import/keepalived_convert.hpp"

namespace lbd::import {
namespace {

bool all_digits(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

// One entry of the group as the arguments of a `virtual_server` line: {"IP", "PORT"} or
// {"fwmark", "N"}; an IPv4 range "A.B.C.D-E PORT" gives one per address. Empty (and refused) when
// the entry is not understood.
std::vector<std::vector<std::string>> entry_addresses(kad_context& ctx, const kad_node& e) {
  if (e.keyword == "fwmark") {
    if (e.args.size() == 1 && all_digits(e.args[0])) return {{"fwmark", e.args[0]}};
    ctx.refuse(e, "a fwmark entry needs one number");
    return {};
  }
  if (e.args.size() != 1 || !all_digits(e.args[0])) {
    ctx.refuse(e, "a virtual_server_group entry is ADDRESS PORT, ADDRESS-LAST PORT or fwmark N");
    return {};
  }
  const auto dash = e.keyword.find('-');
  if (dash == std::string::npos) return {{e.keyword, e.args[0]}};
  const std::string first = e.keyword.substr(0, dash);
  const std::string last = e.keyword.substr(dash + 1);
  const auto dot = first.rfind('.');
  if (first.find(':') != std::string::npos || dot == std::string::npos || !all_digits(last) ||
      !all_digits(first.substr(dot + 1))) {
    ctx.refuse(e, "only IPv4 ranges (A.B.C.D-E) are converted; write IPv6 addresses one per line");
    return {};
  }
  const int from = std::atoi(first.substr(dot + 1).c_str());
  const int to = std::atoi(last.c_str());
  if (to < from || to > 255) {
    ctx.refuse(e, fmt::format("range {}-{} is empty or beyond .255", from, to));
    return {};
  }
  std::vector<std::vector<std::string>> out;
  for (int i = from; i <= to; ++i) out.push_back({first.substr(0, dot + 1) + std::to_string(i), e.args[0]});
  return out;
}

bool has_server_hooks(const kad_node& vs) {
  if (vs.find("quorum_up") != nullptr || vs.find("quorum_down") != nullptr) return true;
  for (const auto& c : vs.children) {
    if (c.keyword == "real_server" && (c.find("notify_up") != nullptr || c.find("notify_down") != nullptr)) return true;
  }
  return false;
}

}  // namespace

void convert_virtual_server_group(kad_context& ctx, const kad_node& vs) {
  const std::string name = vs.args.size() > 1 ? vs.args[1] : "";
  auto g = ctx.vs_groups.find(name);
  if (g == ctx.vs_groups.end()) {
    ctx.refuse(vs, fmt::format("no virtual_server_group '{}'", name));
    return;
  }
  std::vector<std::vector<std::string>> addresses;
  for (const auto& e : g->second->children) {
    for (auto& a : entry_addresses(ctx, e)) addresses.push_back(std::move(a));
  }
  if (addresses.empty()) {
    ctx.refuse(vs, fmt::format("virtual_server_group '{}' has no address lbd can use", name));
    return;
  }
  if (addresses.size() > 1 && has_server_hooks(vs)) {
    ctx.change(vs, fmt::format("each of the {} addresses of group '{}' is a service of its own in lbd: "
                               "real-server and quorum hooks run once per address, not once for the group",
                               addresses.size(), name));
  }
  // The body's findings are reported once, for the first address.
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    kad_node one = vs;
    one.args = addresses[i];
    if (i == 0) {
      convert_virtual_server(ctx, one);
      continue;
    }
    kad_context quiet = ctx;
    quiet.out.clear();
    convert_virtual_server(quiet, one);
    ctx.out += quiet.out;
  }
}

}  // namespace lbd::import

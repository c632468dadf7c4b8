// SPDX-License-Identifier: GPL-2.0-or-later
// `virtual_server group NAME` with its `virtual_server_group NAME { ... }`: keepalived runs one set of
// checkers for the group's real servers and applies their results to every entry of the group. lbd
// gets one [[virtual_server]] whose `address` (or `fwmark`) lists the group's entries: one set of
// checks, one quorum, hooks run once. An lbd service's addresses share one port, and addresses and
// fwmarks are not mixed: a group with several ports or both kinds becomes one service per port (and
// one for its fwmarks), with the same body; their identical checks still run once (the check
// registry shares them).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "import/keepalived_convert.hpp"

namespace lbd::import {
namespace {

bool all_digits(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

// One entry of the group as the arguments of a `virtual_server` line: {"IP", "PORT"} or
// {"fwmark", "N"}; an IPv4 range "A.B.C.D-E PORT" gives one per address. Empty (and refused) when
// the entry is not understood.
std::vector<entry_point> entry_addresses(kad_context& ctx, const kad_node& e) {
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
  std::vector<entry_point> out;
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

// A name lbd.conf accepts (64 characters at most, with room for a suffix), from the group's.
std::string service_name(std::string s) {
  for (auto& c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '_' && c != '.') c = '_';
  }
  if (s.size() > 48) s.resize(48);
  return s;
}

void convert_virtual_server_group(kad_context& ctx, const kad_node& vs) {
  const std::string name = vs.args.size() > 1 ? vs.args[1] : "";
  auto g = ctx.vs_groups.find(name);
  if (g == ctx.vs_groups.end()) {
    ctx.refuse(vs, fmt::format("no virtual_server_group '{}'", name));
    return;
  }
  // The entries by kind: "fwmark", or the port of the addresses; in the group's order.
  std::vector<std::pair<std::string, std::vector<entry_point>>> services;
  for (const auto& e : g->second->children) {
    for (auto& a : entry_addresses(ctx, e)) {
      const std::string kind = a[0] == "fwmark" ? "fwmark" : a[1];
      auto it = std::find_if(services.begin(), services.end(), [&](const auto& s) { return s.first == kind; });
      if (it == services.end()) it = services.insert(services.end(), {kind, {}});
      it->second.push_back(std::move(a));
    }
  }
  if (services.empty()) {
    ctx.refuse(vs, fmt::format("virtual_server_group '{}' has no address lbd can use", name));
    return;
  }
  if (services.size() > 1 && has_server_hooks(vs)) {
    ctx.change(vs, fmt::format("group '{}' mixes ports or fwmarks and becomes {} services in lbd: real-server and "
                               "quorum hooks run once per service, not once for the group",
                               name, services.size()));
  }
  std::string base = service_name(name);
  if (const std::string proto = service_protocol(vs); proto != "tcp") base += "-" + proto;
  // The body's findings are reported once, for the first service.
  for (std::size_t i = 0; i < services.size(); ++i) {
    const std::string one_name = services.size() == 1 ? base : fmt::format("{}-{}", base, services[i].first);
    if (i == 0) {
      convert_service(ctx, vs, services[i].second, one_name);
      continue;
    }
    kad_context quiet = ctx;
    quiet.out.clear();
    convert_service(quiet, vs, services[i].second, one_name);
    ctx.out += quiet.out;
  }
}

}  // namespace lbd::import

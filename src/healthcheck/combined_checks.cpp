// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/combined_checks.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace lbd::healthcheck {

std::string check_label(std::size_t index, std::string_view type) {
  return fmt::format("check {} ({})", index + 1, type);
}

server_state combine_checks(std::span<const labelled_state> checks) {
  server_state out;
  if (checks.empty()) return out;
  const labelled_state* decides = nullptr;
  bool any_pending = false;
  bool any_down_now = false;
  std::string failing;
  out.assumed = health::up;
  out.start_lateness = duration{0};
  for (const auto& c : checks) {
    const server_state& s = *c.state;
    any_pending = any_pending || s.current == status::pending;
    any_down_now = any_down_now || s.current == status::down;
    out.probes += s.probes;
    if (s.last_change && (!out.last_change || *s.last_change > *out.last_change)) out.last_change = s.last_change;
    if (s.weight && (!out.weight || *s.weight < *out.weight)) out.weight = s.weight;
    out.start_lateness = std::max(out.start_lateness, s.start_lateness);
    if (s.assumed == health::up) continue;
    out.assumed = health::down;
    if (decides == nullptr) decides = &c;
    if (!failing.empty()) failing += "; ";
    failing += fmt::format("{}: {}", c.label, s.last ? s.last->reason : std::string("no result yet"));
  }
  out.current = any_down_now ? status::down : any_pending ? status::pending : status::up;
  if (decides == nullptr) decides = &checks.front();
  out.consecutive_ok = decides->state->consecutive_ok;
  out.consecutive_fail = decides->state->consecutive_fail;
  if (decides->state->last || out.assumed == health::down) {
    probe_result r = decides->state->last.value_or(probe_result{});
    r.reason = out.assumed == health::up ? fmt::format("all {} checks pass", checks.size()) : failing;
    r.weight = out.weight;
    r.configured_weight = !out.weight;
    if (!decides->state->last) r.kind = "pending";
    out.last = std::move(r);
  }
  return out;
}

}  // namespace lbd::healthcheck

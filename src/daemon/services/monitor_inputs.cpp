// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/services/monitor_inputs.hpp"

namespace lbd::daemon {
namespace {

namespace hc = healthcheck;

// The check the previous config ran for a server at `address` that differs from `spec` in nothing
// but its initial state; nullptr when there is none.
std::shared_ptr<const hc::check_spec> previous_of(const endpoint& address, const hc::check_spec& spec,
                                                  previous_checks prev) {
  if (prev.servers == nullptr || prev.checks == nullptr) return nullptr;
  for (std::size_t i = 0; i < prev.servers->size() && i < prev.checks->size(); ++i) {
    if ((*prev.servers)[i].address != address) continue;
    for (const auto& old : (*prev.checks)[i]) {
      auto probe = spec;
      probe.thresholds.initial = old->thresholds.initial;
      if (hc::canonical_key(probe) == hc::canonical_key(*old)) return old;
    }
  }
  return nullptr;
}

}  // namespace

hc::service_config service_config_of(const config::virtual_server& vs) {
  hc::service_config c;
  c.name = vs.name;
  c.on_failure = vs.on_failure;
  if (vs.quorum) {
    c.quorum = vs.quorum->min_weight;
    c.hysteresis = vs.quorum->hysteresis;
    c.quorum_up = vs.quorum->up;
    c.quorum_down = vs.quorum->down;
  }
  c.sorry_server = vs.sorry_server;
  c.servers.reserve(vs.real_servers.size());
  for (const auto& rs : vs.real_servers) c.servers.push_back(hc::real_server_config{rs.address, rs.weight});
  return c;
}

server_checks bind_server_checks(const config::real_server& rs, previous_checks prev, bool served,
                                 const hc::data_path_target* data_path) {
  server_checks out;
  for (const auto& settings : *rs.checks) {
    auto spec = hc::bind_check(settings, rs.address, data_path);
    if (!spec) continue;  // type none: no check
    auto kept = previous_of(rs.address, *spec, prev);
    if (!kept) {
      if (served) spec->thresholds.initial = hc::health::up;
      kept = std::make_shared<const hc::check_spec>(std::move(*spec));
    }
    out.push_back(std::move(kept));
  }
  return out;
}

std::vector<std::vector<hc::check_spec>> check_copies(const std::vector<server_checks>& per_server) {
  std::vector<std::vector<hc::check_spec>> out;
  out.reserve(per_server.size());
  for (const auto& checks : per_server) {
    auto& copies = out.emplace_back();
    copies.reserve(checks.size());
    for (const auto& c : checks) copies.push_back(*c);
  }
  return out;
}

}  // namespace lbd::daemon

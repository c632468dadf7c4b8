// SPDX-License-Identifier: GPL-2.0-or-later
// An operator's override (lbctl drain / weight / enable) set on the running services: recorded,
// logged, counted, saved to the state file, and reconciled at once.
#include "daemon/services/service_runtime_impl.hpp"

namespace lbd::daemon {

override_answer service_runtime::impl::set_override(const std::string& server,
                                                    const std::optional<std::string>& service,
                                                    std::optional<override_entry> e) {
  auto refs = find_servers(*cfg_, server, service);
  if (!refs) return unexpected(refs.error());
  for (const auto& r : *refs) {
    const auto* before = overrides_.find(r);
    if (e ? (before != nullptr && *before == *e) : before == nullptr) continue;
    const char* what = !e ? "enable" : e->kind == override_kind::drain ? "drain" : "weight";
    if (e) {
      overrides_.set(r, *e);
    } else {
      overrides_.clear(r);
    }
    auto line = log_.with({{log::event_field, std::string(what) == "drain" ? "drain" : "override"},
                           {log::service_field, r.service},
                           {log::server_field, to_string(r.address)},
                           {log::reason_field, what}});
    if (e && e->kind == override_kind::weight) {
      line.notice("operator override: {} in {}: weight {}", to_string(r.address), r.service, e->weight);
    } else {
      line.notice("operator override: {} in {}: {}", to_string(r.address), r.service, what);
    }
    metrics_.get_counter("lbd_overrides_total", "Operator overrides (drain, weight, enable)", {{"kind", what}}).inc();
  }
  save_overrides();
  reconcile(pass_scope::changes);
  const auto all = services();
  std::vector<api::affected_server> out;
  for (const auto& r : *refs) {
    for (const auto& svc : all) {
      if (svc.name != r.service) continue;
      for (const auto& rs : svc.real_servers) {
        if (rs.address == to_string(r.address)) out.push_back({r.service, rs});
      }
    }
  }
  return out;
}

}  // namespace lbd::daemon

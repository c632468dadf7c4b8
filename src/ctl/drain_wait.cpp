// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl/drain_wait.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace lbd::ctl {

drain_progress progress_of(const std::vector<api::service>& services,
                           const std::vector<api::affected_server>& drained) {
  drain_progress p;
  bool every_read = true;
  double oldest = 0;
  for (const auto& d : drained) {
    const auto svc =
        std::find_if(services.begin(), services.end(), [&](const api::service& s) { return s.name == d.service; });
    if (svc == services.end()) {
      ++p.gone;
      continue;
    }
    if (svc->stats_age_seconds) {
      oldest = std::max(oldest, *svc->stats_age_seconds);
    } else {
      every_read = false;
    }
    const auto rs = std::find_if(svc->real_servers.begin(), svc->real_servers.end(),
                                 [&](const api::real_server& r) { return r.address == d.server.address; });
    if (rs == svc->real_servers.end()) {
      ++p.gone;
      continue;
    }
    if (!rs->kernel_weight) continue;  // deleted once its connections ended
    ++p.in_kernel;
    p.active += rs->active_conns;
  }
  if (every_read) p.read_age = oldest;
  return p;
}

bool drain_finished(const drain_progress& p, double since) {
  return p.active == 0 && p.read_age.has_value() && *p.read_age < since;
}

std::string progress_line(const drain_progress& p) {
  std::string out = fmt::format("{} {} in the kernel: {} active connection{}", p.in_kernel,
                                p.in_kernel == 1 ? "server" : "servers", p.active, p.active == 1 ? "" : "s");
  if (p.gone != 0) out += fmt::format(", {} no longer configured", p.gone);
  out += p.read_age ? fmt::format(" (read {:.1f} s ago)", *p.read_age) : std::string(" (no kernel read yet)");
  return out;
}

}  // namespace lbd::ctl

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The IPVS table lbd wants: the config's virtual servers, each with the real servers its health
// policy keeps, the operator's overrides applied, or only the sorry server while quorum is lost.
// Pure: everything comes in as values.
#include <map>
#include <set>
#include <string>

#include "config/model.hpp"
#include "daemon/overrides.hpp"
#include "healthcheck/policy.hpp"
#include "ipvs/backend.hpp"
#include "ipvs/model.hpp"

namespace lbd::daemon {

struct desired_state {
  ipvs::table table;
  ipvs::ownership owned;    // every configured service
  ipvs::ownership drained;  // services whose departing destinations drain (drain_tracker)
  // Services drained only because an operator drains some of their servers (on_failure = remove):
  // there, only these destinations may drain; the others leave at once.
  std::map<ipvs::service_key, std::set<ipvs::dest_key>> drain_only;
};

ipvs::service_key service_key_of(const config::virtual_server& vs);
ipvs::dest_key dest_key_of(const endpoint& e);
ipvs::service_attrs service_attrs_of(const config::virtual_server& vs);
ipvs::dest_attrs dest_attrs_of(const config::virtual_server& vs, config::forwarding method, std::uint32_t weight,
                               std::uint32_t upper = 0, std::uint32_t lower = 0);

// `health`: each service's desired set by virtual server name (a service missing here has no
// destinations).
desired_state build_desired(const config::config& cfg,
                            const std::map<std::string, healthcheck::desired_service>& health, const overrides& ovr);

// The kernel as the drain tracker should see it: under the services of `drain_only`, destinations
// that may not drain are hidden, so they are deleted at once rather than drained.
ipvs::table drain_view(const ipvs::table& kernel, const desired_state& d);

// The kernel table after the operations that succeeded (results[i].ok()), without reading it again.
void patch(ipvs::table& kernel, const std::vector<ipvs::op>& ops, const std::vector<ipvs::op_result>& results);

}  // namespace lbd::daemon

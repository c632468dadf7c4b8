// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The translation of the running config into what lbd wants of IPVS (ipvs::desired_state): the
// config's virtual servers, each with the real servers its health policy keeps, the operator's
// overrides applied, or only the sorry server while quorum is lost; the timeouts; the sync daemon
// in the role its VRRP instance asks for. Pure: everything comes in as values.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "config/model.hpp"
#include "daemon/services/agent_view.hpp"
#include "daemon/services/overrides.hpp"
#include "healthcheck/policy.hpp"
#include "ipvs/desired.hpp"
#include "ipvs/model.hpp"

namespace lbd::daemon {

// The service's first entry point, and all of them (a group's, the first one first).
ipvs::service_key service_key_of(const config::virtual_server& vs);
std::vector<ipvs::service_key> service_keys_of(const config::virtual_server& vs);
ipvs::dest_key dest_key_of(const endpoint& e);
ipvs::service_attrs service_attrs_of(const config::virtual_server& vs);
ipvs::dest_attrs dest_attrs_of(const config::virtual_server& vs, config::forwarding method, std::uint32_t weight,
                               std::uint32_t upper = 0, std::uint32_t lower = 0);

// `health`: each service's desired set by virtual server name (a service missing here has no
// destinations). `sync_master`: the VRRP instance the sync daemon follows is MASTER. `agents`:
// what the agents of real servers said (agent_view.hpp); a server its checks keep takes the
// agent's weight and upper threshold, and leaves as a failed one does (on_failure) when the agent
// takes it out. The operator's overrides win over the agent; nothing brings back a failed server.
ipvs::desired_state build_desired(const config::config& cfg,
                                  const std::map<std::string, healthcheck::desired_service>& health,
                                  const overrides& ovr, bool sync_master = false, const agent_inputs* agents = nullptr);

// One virtual server's destinations in build_desired's table: for a status answer of one service,
// without the whole table.
std::map<ipvs::dest_key, ipvs::dest> dests_of(const config::virtual_server& vs,
                                              const std::map<std::string, healthcheck::desired_service>& health,
                                              const overrides& ovr, const agent_inputs* agents);
// The [ipvs] timeouts in seconds (0: leave the kernel's value).
ipvs::timeouts timeouts_of(const config::ipvs_settings& s);
// The sync daemon lbd runs, in the given role; nullopt when none is configured.
std::optional<ipvs::sync_daemon> sync_daemon_of(const config::ipvs_settings& s, bool master);

}  // namespace lbd::daemon

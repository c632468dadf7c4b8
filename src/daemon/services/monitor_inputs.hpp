// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What a service's monitor is built from: the policy's view of the virtual server, and each real
// server's checks as the checker runs them: bound to the server's address, and reused from the
// previous config where a reload left a check as it was, so that the server resubscribes to the
// very same running check (same key: same session, same state).
#include <memory>
#include <vector>

#include "config/model.hpp"
#include "healthcheck/check_spec.hpp"
#include "healthcheck/policy.hpp"

namespace lbd::daemon {

// The policy's view of `vs`: its real servers and weights, quorum, sorry server and hooks.
healthcheck::service_config service_config_of(const config::virtual_server& vs);

// Config order; empty: the server has no check. Pointers, not values: a check_spec is about 470
// bytes, shared between the configs of a reload.
using server_checks = std::vector<std::shared_ptr<const healthcheck::check_spec>>;

// What the previous config ran for the same service: its servers and their checks (parallel).
struct previous_checks {
  const std::vector<config::real_server>* servers = nullptr;
  const std::vector<server_checks>* checks = nullptr;
};

// The checks of `rs`: each one the previous config ran for a server at the same address with the
// same settings is reused (its initial state too); a new one starts from up when `served` (the
// kernel already serves the server: adopting a running table must not pull servers until a check
// says they are down), else from its configured initial state.
// `data_path`: where its data-path checks go (nullptr: the server has no mark; they run as plain
// checks).
server_checks bind_server_checks(const config::real_server& rs, previous_checks prev, bool served,
                                 const healthcheck::data_path_target* data_path = nullptr);

// The checks by value, as a service monitor takes them for its constructor.
std::vector<std::vector<healthcheck::check_spec>> check_copies(const std::vector<server_checks>& per_server);

}  // namespace lbd::daemon

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Reasons for socket-level failures, shared by the probers: the same words for the same errors.
#include <boost/system/error_code.hpp>

#include <string_view>

#include "common/address.hpp"
#include "healthcheck/prober.hpp"

namespace lbd::healthcheck {

// "connection refused by 10.0.1.11:8080", "connection reset by ...", ... with kind refused/reset/error.
probe_result socket_failure(const boost::system::error_code& ec, std::string_view doing, const endpoint& target,
                            duration latency);

}  // namespace lbd::healthcheck

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The keys of the datagram checks (udp, dns) of a health-check table.
#include "config/reader.hpp"
#include "healthcheck/check_spec.hpp"

namespace lbd::config::detail {

// `fresh`: the parameters start from defaults (not inherited), so required keys must be present.
void read_udp(const table_reader& r, healthcheck::udp_params& p, bool fresh);
void read_dns(const table_reader& r, healthcheck::dns_params& p, bool fresh);

}  // namespace lbd::config::detail

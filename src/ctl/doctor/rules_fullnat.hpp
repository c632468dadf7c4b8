// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// lbctl doctor on FULLNAT services: the sysctls they need (lbd sets them; doctor says whether they
// still hold), the conntrack table every fullnat connection takes an entry of, and how many
// connections the local address pool can carry to one real server.
#include <cstdint>
#include <string>
#include <vector>

#include "config/model.hpp"
#include "ctl/doctor/facts.hpp"
#include "ctl/doctor/findings.hpp"

namespace lbd::ctl::doctor {

// Source ports SNAT picks from for a client port of 1024 or above (nf_nat keeps the port class).
inline constexpr std::uint64_t snat_ports = 65536 - 1024;

// The number of addresses first..last (saturating at 2^32).
std::uint64_t pool_size(const config::address_pool& p);

// The sysctls check_fullnat reads, beside those plan_survey always reads.
std::vector<std::string> fullnat_survey_sysctls(const config::config& cfg);

void check_fullnat(const config::config& cfg, const facts& f, std::vector<finding>& out);

}  // namespace lbd::ctl::doctor

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The firewall rule of lbctl doctor (rules.hpp): which of the director's filter rules drop VRRP, the
// health checks or the services' traffic, each with the command that would let it through.
#include <vector>

#include "config/model.hpp"
#include "ctl/doctor/rules.hpp"

namespace lbd::ctl::doctor {

void check_firewall(const config::config& cfg, const facts& f, const survey& s, std::vector<finding>& out);

}  // namespace lbd::ctl::doctor

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The doctor's judgement: the local lbd.conf and the facts gathered on the director in, findings
// out. Pure, so every rule is table-tested; gather.hpp does the looking.
#include <set>
#include <string>
#include <vector>

#include "config/model.hpp"
#include "ctl/doctor/facts.hpp"
#include "ctl/doctor/findings.hpp"

namespace lbd::ctl::doctor {

// What gather() must look at for this configuration.
struct survey {
  std::vector<std::string> sysctls;
  std::set<std::string> interfaces;  // of the [[vrrp]] instances
  std::vector<endpoint> probes;      // TCP connects: the endpoints the health checks (or clients) use
};

survey plan_survey(const config::config& cfg);

// Every finding, in a fixed order: kernel modules, forwarding, IPVS sysctls, the daemon and the
// VIPs, the firewall (VRRP, then health checks), the real servers.
std::vector<finding> diagnose(const config::config& cfg, const facts& f);

}  // namespace lbd::ctl::doctor

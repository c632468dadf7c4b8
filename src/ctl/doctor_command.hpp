// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// `lbctl doctor [-f FILE] [--json] [--timeout D]`: checks this director against its lbd.conf (IPVS
// modules, forwarding, IPVS sysctls, VIPs vs VRRP state, firewall, real servers) and prints each
// finding with what to do. Exit 1 when any finding is an error, 2 when the config cannot be loaded.
#include <CLI/CLI.hpp>
#include <string>

namespace lbd::ctl {

void add_doctor_command(CLI::App& app, const std::string& socket, int& exit_code);

}  // namespace lbd::ctl

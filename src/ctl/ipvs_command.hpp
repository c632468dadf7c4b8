// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// `lbctl ipvs [--stats|--rate|-c] [-t|-u|--sctp-service VIP:PORT | -f MARK] [--json]`: the kernel's
// IPVS table laid out like `ipvsadm -Ln`, its counters, or its connections like `ipvsadm -Lnc`,
// for all services or one.
#include <CLI/CLI.hpp>

namespace lbd::ctl {

void add_ipvs_command(CLI::App& app, int& exit_code);

}  // namespace lbd::ctl

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// `lbctl realserver setup|teardown --vip ADDR [--mode dr|tun] [--dry-run] [--json]`
#include <CLI/CLI.hpp>

namespace lbd::ctl {

// Registers the subcommand; `exit_code` receives the result when it runs.
void add_realserver_command(CLI::App& app, int& exit_code);

}  // namespace lbd::ctl

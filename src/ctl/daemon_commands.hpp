// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The lbctl commands answered by a running lbd over its control socket:
//   lbctl [-s PATH] status | vrrp | services | checks | reload
//   lbctl [-s PATH] anycast [--bird-socket PATH]
//   lbctl [-s PATH] drain SERVER [--service NAME] | enable SERVER [--service NAME]
//                   | weight SERVER N [--service NAME]
// each with --json (the daemon's answer, pretty-printed). Exit codes: 0 done, 1 lbd refused (or a
// reload was refused), 2 lbd could not be reached.
#include <CLI/CLI.hpp>
#include <string>

namespace lbd::ctl {

inline constexpr const char* default_socket = "/run/lbd/lbd.sock";

// `socket` is the -s/--socket value, read when a command runs.
void add_daemon_commands(CLI::App& app, const std::string& socket, int& exit_code);

}  // namespace lbd::ctl

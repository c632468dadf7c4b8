// SPDX-License-Identifier: GPL-2.0-or-later
// lbctl: inspect and steer lbd, and prepare real servers.
#include <CLI/CLI.hpp>

#include "common/cli.hpp"
#include "ctl/daemon_commands.hpp"
#include "ctl/doctor_command.hpp"
#include "ctl/ipvs_command.hpp"
#include "ctl/realserver_command.hpp"

int main(int argc, char** argv) {
  CLI::App app{"lbctl - inspect and steer lbd, prepare real servers"};
  lbd::cli::add_version(app, "lbctl");
  app.require_subcommand(1);
  app.fallthrough();  // -s may also follow the command
  std::string socket = lbd::ctl::default_socket;
  app.add_option("-s,--socket", socket, "lbd's control socket")->capture_default_str();
  int exit_code = lbd::cli::exit_ok;
  lbd::ctl::add_daemon_commands(app, socket, exit_code);
  lbd::ctl::add_doctor_command(app, socket, exit_code);
  lbd::ctl::add_ipvs_command(app, exit_code);
  lbd::ctl::add_realserver_command(app, exit_code);
  if (auto done = lbd::cli::parse(app, "lbctl", argc, argv)) return *done;
  return exit_code;
}

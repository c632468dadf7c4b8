// lbctl: inspect and steer lbd, and prepare real servers.
#include <CLI/CLI.hpp>

#include "ctl/daemon_commands.hpp"
#include "ctl/doctor_command.hpp"
#include "ctl/ipvs_command.hpp"
#include "ctl/realserver_command.hpp"

int main(int argc, char** argv) {
  CLI::App app{"lbctl - inspect and steer lbd, prepare real servers"};
  app.set_version_flag("--version", "lbctl 0.1.0");
  app.require_subcommand(1);
  app.fallthrough();  // -s may also follow the command
  std::string socket = lbd::ctl::default_socket;
  app.add_option("-s,--socket", socket, "lbd's control socket")->capture_default_str();
  int exit_code = 0;
  lbd::ctl::add_daemon_commands(app, socket, exit_code);
  lbd::ctl::add_doctor_command(app, socket, exit_code);
  lbd::ctl::add_ipvs_command(app, exit_code);
  lbd::ctl::add_realserver_command(app, exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}

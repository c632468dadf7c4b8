// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl/doctor_command.hpp"

#include <fmt/format.h>

#include <memory>

#include "common/duration.hpp"
#include "config/load.hpp"
#include "ctl/daemon_commands.hpp"
#include "ctl/doctor/gather.hpp"
#include "ctl/doctor/rules.hpp"

namespace lbd::ctl {
namespace {

struct doctor_options {
  std::string file = "/etc/lbd/lbd.conf";
  bool json = false;
  std::string timeout = "1s";
};

int run(const doctor_options& o, const std::string& socket) {
  auto timeout = parse_duration(o.timeout);
  if (!timeout) {
    fmt::print(stderr, "lbctl doctor: --timeout: {}\n", timeout.error());
    return 2;
  }
  auto loaded = config::load_file(o.file);
  if (!loaded.ok()) {
    for (const auto& d : loaded.diagnostics) fmt::print(stderr, "{}\n", config::format(d));
    fmt::print(stderr, "lbctl doctor: {} cannot be loaded; fix it first (lbd --check {})\n", o.file, o.file);
    return 1;  // a failure, not a usage error: the command line was right
  }
  const auto& cfg = *loaded.cfg;
  doctor::gather_options g;
  // Unless -s says otherwise, the socket is the one this configuration gives the daemon.
  g.socket = socket == default_socket ? cfg.global.control_socket : socket;
  g.connect_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*timeout);
  auto survey = doctor::plan_survey(cfg);
  auto findings = doctor::diagnose(cfg, doctor::gather(survey, g));
  if (o.json) {
    auto j = doctor::render_json(findings);
    j["config_file"] = o.file;
    fmt::print("{}\n", j.dump(2));
  } else {
    fmt::print("{}", doctor::render_text(findings));
  }
  return doctor::any_error(findings) ? 1 : 0;
}

}  // namespace

void add_doctor_command(CLI::App& app, const std::string& socket, int& exit_code) {
  auto* cmd = app.add_subcommand("doctor",
                                 "check this director: IPVS modules, forwarding, sysctls, VIPs, firewall, "
                                 "real servers; each finding says what to do");
  auto opts = std::make_shared<doctor_options>();
  cmd->add_option("-f,--file", opts->file, "lbd.conf to check against")->capture_default_str();
  cmd->add_option("--timeout", opts->timeout, "TCP connect timeout per real server")->capture_default_str();
  cmd->add_flag("--json", opts->json, "findings as JSON");
  cmd->callback([opts, &socket, &exit_code] { exit_code = run(*opts, socket); });
}

}  // namespace lbd::ctl

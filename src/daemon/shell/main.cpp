// SPDX-License-Identifier: GPL-2.0-or-later
// lbd: the director daemon, its configuration check and its importers.
#include <fmt/format.h>

#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "common/cli.hpp"
#include "common/journal_sink.hpp"
#include "common/log_writer.hpp"
#include "config/load.hpp"
#include "config/to_json.hpp"
#include "daemon/shell/app.hpp"
#include "import/import_cli.hpp"
#include "vrrp/io/state_store.hpp"

namespace {

// `lbd --check [--print] [-f FILE | FILE]`: 0 = valid (warnings allowed), 1 = errors.
int check_config(const std::string& file, bool print) {
  auto result = lbd::config::load_file(file);
  for (const auto& d : result.diagnostics) fmt::print(stderr, "{}\n", lbd::config::format(d));
  if (!result.ok()) {
    fmt::print(stderr, "{}: {} error(s), {} warning(s)\n", file, result.error_count(), result.warning_count());
    return 1;
  }
  if (print) fmt::print("{}\n", lbd::config::to_json(*result.cfg).dump(2));
  fmt::print(stderr, "{}: configuration is valid ({} warning(s))\n", file, result.warning_count());
  return 0;
}

// `lbd --release-vips`: after lbd died (ExecStopPost= in lbd.service, or any supervisor), the VIPs
// its state files say it added leave the kernel (vrrp/io/state_store.hpp). 1 = a VIP could not be
// removed.
int release_vips(const std::string& dir) {
  std::vector<std::string> report;
  const bool ok = lbd::vrrp::io::release_vips(dir, report);
  for (const auto& line : report) fmt::print(stderr, "{}\n", line);
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lbd - high-availability director for Linux Virtual Server"};
  bool check = false;
  bool print = false;
  std::string file = "/etc/lbd/lbd.conf";
  std::string positional;
  app.add_flag("--check", check, "validate the configuration and exit (0 valid, 1 errors)");
  app.add_flag("--print", print, "with --check: print the normalised configuration as JSON")->needs("--check");
  auto* file_opt = app.add_option("-f,--file", file, "configuration file (default /etc/lbd/lbd.conf)");
  app.add_option("config", positional, "configuration file, as an alternative to -f")->excludes(file_opt);
  bool release = false;
  std::string state_dir = "/run/lbd";
  app.add_flag("--release-vips", release,
               "after lbd died (ExecStopPost=): the VIPs it added leave the kernel, at once or when a peer may take "
               "over; then exit");
  app.add_option("--state-dir", state_dir,
                 "where each VRRP instance keeps its role, last advert and VIPs (default /run/lbd)");
  std::string state_file;
  app.add_option("--state-file", state_file,
                 "keep the operator's overrides (lbctl drain, weight) and the slow starts under way in this file "
                 "across restarts and upgrades "
                 "(the unit: /var/lib/lbd/state.json; default: none, held in memory)");
  lbd::cli::add_version(app, "lbd");
  auto* imp = app.add_subcommand("import", "convert a keepalived.conf or `ipvsadm -Sn` rules into lbd.conf");
  std::string import_kind;
  std::string import_file;
  std::string import_out;
  imp->add_option("kind", import_kind, "keepalived or ipvsadm")
      ->required()
      ->check(CLI::IsMember({"keepalived", "ipvsadm"}));
  imp->add_option("file", import_file, "the file to convert")->required();
  imp->add_option("-o,--output", import_out,
                  "write lbd.conf here instead of standard output (atomically; an existing file is kept as FILE.bak)");
  bool allow_changes = false;
  imp->add_flag("--allow-changes", allow_changes,
                "write the result even when keywords were refused or changed (exit 3 and nothing written otherwise)");
  if (auto done = lbd::cli::parse(app, "lbd", argc, argv)) return *done;
  if (imp->parsed()) return lbd::import::run_import({import_kind, import_file, import_out, allow_changes});
  if (!positional.empty()) file = positional;
  if (check) return check_config(file, print);
  if (release) return release_vips(state_dir);
  // Owner-only, like the control socket beside it; systemd creates it (RuntimeDirectory=lbd).
  static_cast<void>(::mkdir(state_dir.c_str(), 0700));  // EEXIST is the usual case; failures show on save
  lbd::vrrp::io::set_state_directory(state_dir);
  // Runs in the foreground, as systemd wants for Type=notify; under it, stderr is the journal.
  lbd::log::use_journal_if_stderr_is_journal("lbd");
  // Lines are written by a thread of their own, so a slow journal never holds up VRRP; declared
  // first, it is destroyed last and writes the daemon's final lines.
  const lbd::log::async_writer log_writer;
  lbd::daemon::app daemon(file, state_file);
  return daemon.run();
}

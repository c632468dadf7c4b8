// SPDX-License-Identifier: GPL-2.0-or-later
// lbd: the director daemon, its configuration check and its importers.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "common/cli.hpp"
#include "common/journal_sink.hpp"
#include "config/load.hpp"
#include "config/to_json.hpp"
#include "daemon/app.hpp"
#include "import/import_cli.hpp"

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
  // Runs in the foreground, as systemd wants for Type=notify; under it, stderr is the journal.
  lbd::log::use_journal_if_stderr_is_journal("lbd");
  lbd::daemon::app daemon(file);
  return daemon.run();
}

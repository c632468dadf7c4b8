// lbd: the director daemon. Until the daemon lands, only the configuration check runs.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "config/load.hpp"
#include "config/to_json.hpp"

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
  app.set_version_flag("--version", "lbd 0.1.0");
  CLI11_PARSE(app, argc, argv);
  if (!positional.empty()) file = positional;
  if (check) return check_config(file, print);
  fmt::print(stderr, "lbd: not implemented yet\n");
  return 2;
}

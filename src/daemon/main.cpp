// lbd: the director daemon. Until the daemon lands, only the configuration check runs.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cstdio>

int main(int argc, char** argv) {
  CLI::App app{"lbd - high-availability director for Linux Virtual Server"};
  bool check = false;
  std::string file = "/etc/lbd/lbd.conf";
  app.add_flag("--check", check, "validate the configuration and exit");
  app.add_option("-f,--file", file, "configuration file");
  app.set_version_flag("--version", "lbd 0.1.0");
  CLI11_PARSE(app, argc, argv);
  fmt::print(stderr, "lbd: not implemented yet\n");
  return 2;
}

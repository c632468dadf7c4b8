// lbctl: inspect and steer a running lbd through its control socket.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cstdio>

int main(int argc, char** argv) {
  CLI::App app{"lbctl - inspect and steer lbd"};
  app.set_version_flag("--version", "lbctl 0.1.0");
  CLI11_PARSE(app, argc, argv);
  fmt::print(stderr, "lbctl: no commands yet: the control socket arrives with the daemon\n");
  return 2;
}

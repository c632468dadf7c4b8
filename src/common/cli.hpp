// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The command-line conventions of lbd, lbctl and lbd-ipvs: exit status 0 ok, 1 failure, 2 usage
// error; --help and --version exit 0. A usage error says what was wrong and names the valid
// commands. Header-only so that lbd_common does not link CLI11; the three mains include it.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "common/version.hpp"

namespace lbd::cli {

inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;
inline constexpr int exit_usage = 2;

inline void add_version(CLI::App& app, std::string_view program) {
  app.set_version_flag("--version", fmt::format("{} {}", program, lbd::version));
}

// "status, vrrp, ..." for app's subcommands, in the order they were added.
inline std::string command_names(const CLI::App& app) {
  std::string out;
  for (const auto* c : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (!out.empty()) out += ", ";
    out += c->get_name();
  }
  return out;
}

// The deepest command that was named on the command line (app itself when none was).
inline const CLI::App& innermost(const CLI::App& app) {
  for (const auto* c : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (c->parsed()) return innermost(*c);
  }
  return app;
}

// The first word after the command path that is neither an option nor an option's value, when it
// names no command of `at`: the unknown command the user meant.
inline std::optional<std::string> unknown_command(const CLI::App& at, const std::vector<std::string>& args) {
  if (at.get_subcommands([](const CLI::App*) { return true; }).empty()) return std::nullopt;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") return std::nullopt;
    if (a.size() > 1 && a[0] == '-') {
      // An option with a separate value (`-s PATH`, `--batch 7`) consumes the next word.
      const auto eq = a.find('=');
      const std::string name = a.substr(0, eq);
      const CLI::Option* o = nullptr;
      for (const CLI::App* app = &at; app != nullptr && o == nullptr; app = app->get_parent()) {
        o = app->get_option_no_throw(name);
      }
      const bool joined = eq != std::string::npos || (a[1] != '-' && a.size() > 2);  // --x=V, -xV
      if (o != nullptr && o->get_type_size() > 0 && !joined) ++i;
      continue;
    }
    for (const auto* c : at.get_subcommands([](const CLI::App*) { return true; })) {
      if (c->check_name(a)) return std::nullopt;
    }
    bool is_path = false;
    for (const CLI::App* p = &at; p != nullptr; p = p->get_parent()) is_path = is_path || p->get_name() == a;
    if (is_path) continue;
    return a;
  }
  return std::nullopt;
}

// Parses; on --help/--version prints and returns exit_ok, on a usage error prints
// "PROGRAM: what was wrong; commands: a, b, c" and returns exit_usage, else returns nullopt and the
// caller goes on. Subcommand callbacks run inside (lbctl's commands do their work there).
inline std::optional<int> parse(CLI::App& app, std::string_view program, int argc, const char* const* argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    const CLI::App& at = innermost(app);
    std::vector<std::string> args(argv + 1, argv + argc);
    std::string what = e.what();
    if (auto cmd = unknown_command(at, args)) what = fmt::format("unknown command '{}'", *cmd);
    if (e.get_name() == "RequiredError" && what.find("subcommand") != std::string::npos) {
      what = at.get_parent() == nullptr ? "a command is required" : fmt::format("'{}' needs a command", at.get_name());
    }
    const std::string names = command_names(at);
    fmt::print(stderr, "{}: {}{}\n", program, what, names.empty() ? "" : "; commands: " + names);
    fmt::print(stderr, "Run with --help for more information.\n");
    return exit_usage;
  }
  return std::nullopt;
}

}  // namespace lbd::cli

// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl/daemon_commands.hpp"

#include <fmt/format.h>

#include <functional>
#include <memory>

#include "ctl/control_client.hpp"
#include "ctl/view/views.hpp"

namespace lbd::ctl {
namespace {

// Renders a command's answer; throws api::contract_error when the answer breaks the contract.
using render = std::function<std::string(const nlohmann::json&, view::clock_point)>;

// A view of the typed answer T of `command`.
template <typename T, typename View>
render typed(const char* command, View v) {
  return
      [command, v](const nlohmann::json& r, view::clock_point now) { return v(api::parse_answer<T>(r, command), now); };
}

struct command_options {
  bool json = false;
  std::string server;
  std::string service;
  unsigned weight = 0;
};

// The convention of all three programs (common/cli.hpp): a daemon that cannot be reached is a failure
// like a refusal; 2 is kept for usage errors.
enum exit_status { done = 0, refused = 1, unreachable = 1 };

int run(const std::string& socket, const std::string& command, const nlohmann::json& args, bool json,
        const render& to_text, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  auto reply = request(socket, command, args, timeout);
  if (!reply) {
    fmt::print(stderr, "lbctl: {}\n", reply.error().message);
    return reply.error().what == call_error::kind::refused ? refused : unreachable;
  }
  if (json) {
    // As lbd sent it, members this lbctl does not know included.
    fmt::print("{}\n", reply->dump(2));
    return done;
  }
  try {
    fmt::print("{}", to_text(*reply, std::chrono::system_clock::now()));
  } catch (const api::contract_error& e) {
    fmt::print(stderr, "lbctl: {}\n", e.what());
    return unreachable;
  }
  return done;
}

nlohmann::json server_args(const command_options& o) {
  nlohmann::json args{{"server", o.server}};
  if (!o.service.empty()) args["service"] = o.service;
  return args;
}

CLI::App* query(CLI::App& app, const char* name, const char* help, const std::string& socket, int& exit_code,
                render to_text) {
  auto* cmd = app.add_subcommand(name, help);
  auto opts = std::make_shared<command_options>();
  cmd->add_flag("--json", opts->json, "the daemon's answer as JSON");
  cmd->callback([name, opts, &socket, &exit_code, to_text = std::move(to_text)] {
    exit_code = run(socket, name, nlohmann::json::object(), opts->json, to_text);
  });
  return cmd;
}

void add_override(CLI::App& app, const char* name, const char* help, const char* done_word, bool with_weight,
                  const std::string& socket, int& exit_code) {
  auto* cmd = app.add_subcommand(name, help);
  auto opts = std::make_shared<command_options>();
  cmd->add_option("SERVER", opts->server, "real server as in lbd.conf, e.g. 10.0.1.11:8080")->required();
  if (with_weight) cmd->add_option("N", opts->weight, "the weight")->required()->check(CLI::Range(0U, 2147483647U));
  cmd->add_option("--service", opts->service, "only in this virtual_server (when the server is in several)");
  cmd->add_flag("--json", opts->json, "the daemon's answer as JSON");
  cmd->callback([name, done_word, with_weight, opts, &socket, &exit_code] {
    auto args = server_args(*opts);
    if (with_weight) args["weight"] = opts->weight;
    exit_code =
        run(socket, name, args, opts->json,
            typed<std::vector<api::affected_server>>(name, [done_word](const auto& affected, view::clock_point) {
              return view::override_result(affected, done_word);
            }));
  });
}

}  // namespace

void add_daemon_commands(CLI::App& app, const std::string& socket, int& exit_code) {
  query(app, "status", "VRRP instances, virtual services with their real servers, last reload", socket, exit_code,
        typed<api::daemon_status>("status", [](const auto& s, view::clock_point now) { return view::status(s, now); }));
  query(app, "vrrp", "VRRP instances: state, priority, master, last transition", socket, exit_code,
        typed<std::vector<api::vrrp_instance>>(
            "vrrp", [](const auto& v, view::clock_point now) { return view::vrrp(v, now); }));
  query(
      app, "services", "virtual services and real servers, ipvsadm-like", socket, exit_code,
      typed<std::vector<api::service>>("services", [](const auto& s, view::clock_point) { return view::services(s); }));
  query(app, "checks", "health checks: status, reason, latency, last run", socket, exit_code,
        typed<std::vector<api::check>>("checks",
                                       [](const auto& c, view::clock_point now) { return view::checks(c, now); }));

  auto* reload = app.add_subcommand("reload", "reload lbd.conf now (as SIGHUP); a broken file is refused");
  auto reload_opts = std::make_shared<command_options>();
  reload->add_flag("--json", reload_opts->json, "the reload report as JSON");
  reload->callback([reload_opts, &socket, &exit_code] {
    bool accepted = false;
    // A reload of a large configuration may take a while; it is still one answer.
    exit_code = run(
        socket, "reload", nlohmann::json::object(), false,
        [&accepted, json = reload_opts->json](const nlohmann::json& r, view::clock_point now) {
          // Parsed also for --json: the exit status says whether the reload was accepted.
          const auto report = api::parse_answer<api::reload_report>(r, "reload");
          accepted = report.ok();
          return json ? r.dump(2) + "\n" : view::reload(report, now);
        },
        std::chrono::seconds(120));
    if (exit_code == done && !accepted) exit_code = refused;
  });

  add_override(app, "drain", "weight 0 now, removed once its connections end (kept across reloads)", "drained", false,
               socket, exit_code);
  add_override(app, "enable", "undo drain or weight: back to what the config and the checks say", "enabled", false,
               socket, exit_code);
  add_override(app, "weight", "run a real server at weight N instead of the configured one", "weight set", true, socket,
               exit_code);
}

}  // namespace lbd::ctl

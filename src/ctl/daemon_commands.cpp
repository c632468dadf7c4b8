// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl/daemon_commands.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <functional>
#include <memory>
#include <string_view>
#include <thread>
#include <type_traits>

#include "common/duration.hpp"
#include "ctl/control_client.hpp"
#include "ctl/drain_wait.hpp"
#include "ctl/routing_daemon.hpp"
#include "ctl/view/views.hpp"
#include "status/answer_reader.hpp"

namespace lbd::ctl {
namespace {

// Renders a command's answer; to_text throws api::contract_error when the answer breaks the contract.
struct render {
  std::function<std::string(const nlohmann::json&, view::clock_point)> to_text;
  // For the text only: takes a large array out of the reply while it is parsed (api::array_taker).
  nlohmann::json::parser_callback_t while_parsing;
};

// A view of the typed answer T of `command`.
template <typename T, typename View>
render typed(const char* command, View v) {
  return {
      [command, v](const nlohmann::json& r, view::clock_point now) { return v(api::parse_answer<T>(r, command), now); },
      nullptr};
}

// The same for an answer whose services grow with the table: read one service at a time, never as
// a tree of the whole answer. `T` is the services themselves, or the status that holds them.
template <typename T, typename View>
render taking_services(const char* command, View v) {
  constexpr bool whole_answer = std::is_same_v<T, std::vector<api::service>>;
  auto taker = std::make_shared<api::array_taker<api::service>>(
      whole_answer ? std::vector<std::string>{"result"} : std::vector<std::string>{"result", "services"});
  return {[command, v, taker](const nlohmann::json& r, view::clock_point now) {
            const auto services = [&] {
              try {
                return taker->take();
              } catch (const api::contract_error& e) {
                throw api::contract_error(std::string("unexpected answer to ") + command + ": " + e.what());
              }
            };
            if constexpr (whole_answer) {
              return v(services(), now);
            } else {
              auto answer = api::parse_answer<T>(r, command);
              answer.services = services();
              return v(answer, now);
            }
          },
          [taker](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
            return (*taker)(depth, event, parsed);
          }};
}

struct command_options {
  bool json = false;
  std::string server;
  std::string service;
  unsigned weight = 0;
  bool wait = false;    // drain --wait
  std::string timeout;  // drain --timeout, a duration; empty: no limit
};

// The convention of all three programs (common/cli.hpp): a daemon that cannot be reached is a failure
// like a refusal; 2 is kept for usage errors.
enum exit_status { done = 0, refused = 1, unreachable = 1, still_draining = 1 };

int run(const std::string& socket, const std::string& command, const nlohmann::json& args, bool json,
        const render& to_text, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  auto reply = request(socket, command, args, timeout, json ? nullptr : to_text.while_parsing);
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
    fmt::print("{}", to_text.to_text(*reply, std::chrono::system_clock::now()));
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

// drain --wait: polls `services` until the drained servers have no active connection left in a
// kernel read taken after the drain, printing each change of the counts; `limit` zero: no limit.
int wait_for_drain(const std::string& socket, const std::vector<api::affected_server>& drained, duration limit) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  std::string shown;
  for (;;) {
    api::array_taker<api::service> taker({"result"});
    auto reply = request(socket, "services", nlohmann::json::object(), std::chrono::seconds(10),
                         [&taker](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
                           return taker(depth, event, parsed);
                         });
    if (!reply) {
      fmt::print(stderr, "lbctl: {}\n", reply.error().message);
      return unreachable;
    }
    drain_progress p;
    try {
      p = progress_of(taker.take(), drained);
    } catch (const api::contract_error& e) {
      fmt::print(stderr, "lbctl: {}\n", e.what());
      return unreachable;
    }
    const auto elapsed = clock::now() - start;
    const double since = std::chrono::duration<double>(elapsed).count();
    if (drain_finished(p, since)) {
      fmt::print("drained: no active connection left after {:.1f} s\n", since);
      return done;
    }
    // A new line when the counts change, not the age of the read.
    const std::string counts = fmt::format("{} {} {}", p.in_kernel, p.active, p.gone);
    if (counts != shown) {
      fmt::print("waiting: {}\n", progress_line(p));
      std::fflush(stdout);
      shown = counts;
    }
    if (limit.count() > 0 && elapsed >= limit) {
      fmt::print(stderr, "lbctl: still draining after {}: {}\n", format_duration(limit), progress_line(p));
      return still_draining;
    }
    // A person's command polling the daemon, not a test waiting: the statistics are read about as
    // often.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

void add_override(CLI::App& app, const char* name, const char* help, const char* done_word, bool with_weight,
                  const std::string& socket, int& exit_code) {
  auto* cmd = app.add_subcommand(name, help);
  auto opts = std::make_shared<command_options>();
  cmd->add_option("SERVER", opts->server, "real server as in lbd.conf, e.g. 10.0.1.11:8080")->required();
  if (with_weight) cmd->add_option("N", opts->weight, "the weight")->required()->check(CLI::Range(0U, 2147483647U));
  cmd->add_option("--service", opts->service, "only in this virtual_server (when the server is in several)");
  auto* json_flag = cmd->add_flag("--json", opts->json, "the daemon's answer as JSON");
  if (std::string_view(name) == "drain") {
    cmd->add_flag("--wait", opts->wait, "return once its active connections have ended, showing how many are left")
        ->excludes(json_flag);
    cmd->add_option("--timeout", opts->timeout, "with --wait: give up after this long (e.g. 30s, 5m); exit status 1")
        ->check([](const std::string& v) {
          auto d = parse_duration(v);
          return !d ? d.error() : d->count() <= 0 ? std::string("must be above 0") : std::string();
        });
  }
  cmd->callback([name, done_word, with_weight, opts, &socket, &exit_code] {
    auto args = server_args(*opts);
    if (with_weight) args["weight"] = opts->weight;
    std::vector<api::affected_server> affected;
    exit_code = run(socket, name, args, opts->json,
                    typed<std::vector<api::affected_server>>(name, [&](const auto& a, view::clock_point) {
                      affected = a;
                      return view::override_result(a, done_word);
                    }));
    if (exit_code != done || !opts->wait) return;
    const duration limit = opts->timeout.empty() ? duration{} : parse_duration(opts->timeout).value();
    exit_code = wait_for_drain(socket, affected, limit);
  });
}

}  // namespace

void add_daemon_commands(CLI::App& app, const std::string& socket, int& exit_code) {
  query(app, "status", "VRRP instances, virtual services with their real servers, last reload", socket, exit_code,
        taking_services<api::daemon_status>("status",
                                            [](const auto& s, view::clock_point now) { return view::status(s, now); }));
  query(app, "vrrp", "VRRP instances: state, priority, master, last transition", socket, exit_code,
        typed<std::vector<api::vrrp_instance>>(
            "vrrp", [](const auto& v, view::clock_point now) { return view::vrrp(v, now); }));
  // Whether lbd's routes reach anyone upstream is up to the routing daemon: its sessions follow the
  // groups, in the text only (--json stays lbd's answer), and a daemon that fails fails no command.
  auto routing_paths = std::make_shared<routing::daemon_paths>();
  auto* anycast = query(
      app, "anycast",
      "anycast groups: routes announced or withdrawn and why, live weight, watermarks; routing daemon BGP sessions",
      socket, exit_code,
      typed<std::vector<api::anycast_group>>("anycast", [routing_paths](const auto& g, view::clock_point now) {
        return view::anycast(g, now) + "\n" + view::routing_daemon(routing::query(*routing_paths));
      }));
  anycast->add_option("--bird-socket", routing_paths->bird_socket, "BIRD's control socket, for its BGP sessions")
      ->capture_default_str();
  query(app, "services", "virtual services and real servers, ipvsadm-like", socket, exit_code,
        taking_services<std::vector<api::service>>("services",
                                                   [](const auto& s, view::clock_point) { return view::services(s); }));
  query(app, "checks", "health checks: status, reason, latency, last run", socket, exit_code,
        typed<std::vector<api::check>>("checks",
                                       [](const auto& c, view::clock_point now) { return view::checks(c, now); }));

  auto* reload = app.add_subcommand("reload", "reload lbd.conf now (as SIGHUP); a broken file is refused");
  auto reload_opts = std::make_shared<command_options>();
  reload->add_flag("--json", reload_opts->json, "the reload report as JSON");
  reload->callback([reload_opts, &socket, &exit_code] {
    bool accepted = false;
    // A reload of a large configuration may take a while; it is still one answer.
    exit_code = run(socket, "reload", nlohmann::json::object(), false,
                    {[&accepted, json = reload_opts->json](const nlohmann::json& r, view::clock_point now) {
                       // Parsed also for --json: the exit status says whether the reload was accepted.
                       const auto report = api::parse_answer<api::reload_report>(r, "reload");
                       accepted = report.ok();
                       return json ? r.dump(2) + "\n" : view::reload(report, now);
                     },
                     nullptr},
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

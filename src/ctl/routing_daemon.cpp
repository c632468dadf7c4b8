// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl/routing_daemon.hpp"

#include <filesystem>

#include "ctl/run_tool.hpp"

namespace lbd::ctl::routing {
namespace {

using sessions = result<std::vector<bgp_session>, std::string>;

sessions ask_bird(const daemon_paths& paths, std::chrono::milliseconds timeout, std::string& version) {
  // -r: the restricted mode, in which BIRD accepts only the commands that show things.
  auto out = run_tool({paths.birdc, "-r", "-s", paths.bird_socket, "show", "protocols"}, timeout);
  if (!out) return unexpected(out.error());
  version = bird_version(*out);
  return parse_bird_protocols(*out);
}

sessions ask_frr(const daemon_paths& paths, std::chrono::milliseconds timeout) {
  auto out = run_tool({paths.vtysh, "-c", "show bgp summary json"}, timeout);
  if (!out) return unexpected(out.error());
  const auto json = nlohmann::json::parse(*out, nullptr, false);
  if (json.is_discarded()) return unexpected(std::string("vtysh printed no JSON"));
  return parse_frr_bgp_summary(json);
}

}  // namespace

report query(const daemon_paths& paths, std::chrono::milliseconds timeout) {
  report r;
  r.bird_socket = paths.bird_socket;
  r.daemon = pick(paths, [](const std::string& path) {
    std::error_code ec;
    return std::filesystem::exists(path, ec);
  });
  if (r.daemon == daemon_kind::none) return r;
  auto found = r.daemon == daemon_kind::bird ? ask_bird(paths, timeout, r.version) : ask_frr(paths, timeout);
  if (found) {
    r.sessions = std::move(*found);
  } else {
    r.error = found.error();
  }
  return r;
}

}  // namespace lbd::ctl::routing

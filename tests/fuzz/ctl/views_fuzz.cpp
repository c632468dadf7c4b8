// SPDX-License-Identifier: GPL-2.0-or-later
// The daemon's answers as lbctl reads and prints them: any JSON value either breaks the contract
// (a contract_error, nothing else) or parses into the typed answer, which renders in its view; any
// text is a time or a protocol version or not. The services and the status are also read as lbctl
// reads them, one service at a time (api::array_taker), and services that parse are written back
// the daemon's way (api::array_text), which must give the bytes of the whole tree's dump.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ctl/view/views.hpp"
#include "status/answer_reader.hpp"
#include "status/answer_text.hpp"
#include "status/answers.hpp"

namespace {

namespace api = lbd::api;

// Parses the answer of `command`; a broken one is an expected outcome, any other exception is not.
template <typename T, typename Render>
void read_and_render(const nlohmann::json& j, const char* command, Render render) {
  try {
    render(api::parse_answer<T>(j, command));
  } catch (const api::contract_error&) {
  }
}

// The reply text read with the services taken out while it is parsed, as lbctl reads `services`
// (path {"result"}) and `status` ({"result", "services"}).
void read_taking(std::string_view text, std::vector<std::string> path) {
  api::array_taker<api::service> taker(std::move(path));
  const auto rest = nlohmann::json::parse(
      text,
      [&taker](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
        return taker(depth, event, parsed);
      },
      false);
  if (rest.is_discarded()) return;
  try {
    const auto services = taker.take();
    if (api::array_text(services) != nlohmann::json(services).dump()) __builtin_trap();
  } catch (const api::contract_error&) {
  }
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  namespace view = lbd::ctl::view;
  (void)api::parse_rfc3339(text);
  (void)api::parse_version(text);
  read_taking(text, {"result"});
  read_taking(text, {"result", "services"});
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return 0;
  try {
    (void)api::open_reply(j);
  } catch (const api::contract_error&) {
  }
  auto now = std::chrono::system_clock::time_point(std::chrono::hours(500000));
  read_and_render<api::daemon_status>(j, "status", [&](const auto& s) { (void)view::status(s, now); });
  read_and_render<std::vector<api::vrrp_instance>>(j, "vrrp", [&](const auto& v) { (void)view::vrrp(v, now); });
  read_and_render<std::vector<api::service>>(j, "services", [](const auto& s) { (void)view::services(s); });
  read_and_render<std::vector<api::check>>(j, "checks", [&](const auto& c) { (void)view::checks(c, now); });
  read_and_render<api::reload_report>(j, "reload", [&](const auto& r) {
    (void)view::reload(r, now);
    (void)view::reload_line(r, now);
  });
  read_and_render<std::vector<api::affected_server>>(j, "drain",
                                                     [](const auto& a) { (void)view::override_result(a, "drained"); });
  return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/services/override_file.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace lbd::daemon {
namespace {

using json = nlohmann::json;

constexpr int file_version = 1;
constexpr std::uint64_t max_weight = 2147483647;  // IPVS weights are signed 32-bit

result<std::pair<server_ref, override_entry>, std::string> decode_entry(const json& e, const std::string& where) {
  if (!e.is_object()) return unexpected(where + ": not an object");
  auto text = [&](const char* key) -> result<std::string, std::string> {
    const auto it = e.find(key);
    if (it == e.end() || !it->is_string()) return unexpected(fmt::format("{}.{}: missing or not a string", where, key));
    return it->get<std::string>();
  };
  auto service = text("service");
  if (!service) return unexpected(service.error());
  auto server = text("server");
  if (!server) return unexpected(server.error());
  auto address = parse_endpoint(*server, false);
  if (!address) return unexpected(fmt::format("{}.server: {}", where, address.error()));
  auto kind = text("kind");
  if (!kind) return unexpected(kind.error());
  override_entry entry;
  if (*kind == "drain") {
    entry.kind = override_kind::drain;
  } else if (*kind == "weight") {
    entry.kind = override_kind::weight;
    const auto w = e.find("weight");
    if (w == e.end() || !w->is_number_unsigned() || w->get<std::uint64_t>() > max_weight) {
      return unexpected(fmt::format("{}.weight: missing or not a weight (0-{})", where, max_weight));
    }
    entry.weight = w->get<unsigned>();
  } else {
    return unexpected(fmt::format("{}.kind: '{}' is not drain or weight", where, kind->substr(0, 32)));
  }
  return std::pair{server_ref{*service, *address}, entry};
}

result<kept_ramp, std::string> decode_ramp(const json& e, const std::string& where) {
  if (!e.is_object()) return unexpected(where + ": not an object");
  const auto service = e.find("service");
  const auto server = e.find("server");
  if (service == e.end() || !service->is_string() || server == e.end() || !server->is_string()) {
    return unexpected(where + ": service or server missing or not a string");
  }
  auto address = parse_endpoint(server->get<std::string>(), false);
  if (!address) return unexpected(fmt::format("{}.server: {}", where, address.error()));
  const auto since = e.find("since_unix_ms");
  const auto window = e.find("window_ms");
  // Bounded so that no clock arithmetic overflows: up to 2100, and a window of at most a day.
  constexpr std::int64_t latest_ms = 4102444800000;
  constexpr std::uint64_t longest_ms = 86400000;
  if (since == e.end() || !since->is_number_integer() || since->get<std::int64_t>() < 0 ||
      since->get<std::int64_t>() > latest_ms) {
    return unexpected(where + ".since_unix_ms: missing or not a time in milliseconds since 1970 (before 2100)");
  }
  if (window == e.end() || !window->is_number_unsigned() || window->get<std::uint64_t>() > longest_ms) {
    return unexpected(where + ".window_ms: missing or not a duration in milliseconds (at most a day)");
  }
  return kept_ramp{server_ref{service->get<std::string>(), *address},
                   std::chrono::system_clock::time_point(std::chrono::milliseconds(since->get<std::int64_t>())),
                   std::chrono::milliseconds(window->get<std::uint64_t>())};
}

}  // namespace

std::string encode_overrides(const overrides& o, const std::vector<kept_ramp>& ramps) {
  json list = json::array();
  for (const auto& [ref, e] : o.entries()) {
    json j{{"service", ref.service}, {"server", to_string(ref.address)}, {"kind", std::string(to_string(e.kind))}};
    if (e.kind == override_kind::weight) j["weight"] = e.weight;
    list.push_back(std::move(j));
  }
  json slow = json::array();
  for (const auto& r : ramps) {
    const auto since = std::chrono::duration_cast<std::chrono::milliseconds>(r.since.time_since_epoch());
    slow.push_back(json{{"service", r.server.service},
                        {"server", to_string(r.server.address)},
                        {"since_unix_ms", since.count()},
                        {"window_ms", r.window.count()}});
  }
  json j{{"version", file_version}, {"overrides", std::move(list)}};
  if (!slow.empty()) j["slow_starts"] = std::move(slow);  // absent without: the file of an lbd without slow start
  return j.dump(1) + "\n";
}

result<overrides, std::string> decode_overrides(std::string_view text) {
  auto s = decode_state(text);
  if (!s) return unexpected(s.error());
  return std::move(s->ovr);
}

result<kept_state, std::string> decode_state(std::string_view text) {
  if (text.size() > override_file_max_bytes) {
    return unexpected(fmt::format("larger than {} bytes", override_file_max_bytes));
  }
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return unexpected(std::string("not JSON"));
  if (!j.is_object()) return unexpected(std::string("not a JSON object"));
  const auto v = j.find("version");
  if (v == j.end() || !v->is_number_integer() || v->get<int>() != file_version) {
    return unexpected(fmt::format("version: not {} (written by another lbd?)", file_version));
  }
  const auto list = j.find("overrides");
  if (list == j.end() || !list->is_array()) return unexpected(std::string("overrides: missing or not an array"));
  kept_state out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto e = decode_entry((*list)[i], fmt::format("overrides[{}]", i));
    if (!e) return unexpected(e.error());
    out.ovr.set(e->first, e->second);
  }
  const auto slow = j.find("slow_starts");
  if (slow == j.end()) return out;
  if (!slow->is_array()) return unexpected(std::string("slow_starts: not an array"));
  for (std::size_t i = 0; i < slow->size(); ++i) {
    auto r = decode_ramp((*slow)[i], fmt::format("slow_starts[{}]", i));
    if (!r) return unexpected(r.error());
    out.ramps.push_back(std::move(*r));
  }
  return out;
}

}  // namespace lbd::daemon

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

}  // namespace

std::string encode_overrides(const overrides& o) {
  json list = json::array();
  for (const auto& [ref, e] : o.entries()) {
    json j{{"service", ref.service}, {"server", to_string(ref.address)}, {"kind", std::string(to_string(e.kind))}};
    if (e.kind == override_kind::weight) j["weight"] = e.weight;
    list.push_back(std::move(j));
  }
  return json{{"version", file_version}, {"overrides", std::move(list)}}.dump(1) + "\n";
}

result<overrides, std::string> decode_overrides(std::string_view text) {
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
  overrides out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto e = decode_entry((*list)[i], fmt::format("overrides[{}]", i));
    if (!e) return unexpected(e.error());
    out.set(e->first, e->second);
  }
  return out;
}

}  // namespace lbd::daemon

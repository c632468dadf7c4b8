// SPDX-License-Identifier: GPL-2.0-or-later
#include "status/protocol.hpp"

#include <fmt/format.h>

#include <charconv>

namespace lbd::api {
namespace {

bool read_unsigned(std::string_view s, unsigned& out) {
  if (s.empty() || s.size() > 6) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

std::string to_string(protocol_version v) { return fmt::format("{}.{}", v.major, v.minor); }

result<protocol_version, std::string> parse_version(std::string_view s) {
  const auto dot = s.find('.');
  protocol_version v;
  if (dot == std::string_view::npos || !read_unsigned(s.substr(0, dot), v.major) ||
      !read_unsigned(s.substr(dot + 1), v.minor)) {
    return unexpected(fmt::format("\"{}\" is not a protocol version (major.minor)", s));
  }
  return v;
}

nlohmann::json answer(nlohmann::json result) {
  return {{"version", to_string(current_version)}, {"ok", true}, {"result", std::move(result)}};
}

nlohmann::json refusal(std::string_view error) {
  return {{"version", to_string(current_version)}, {"ok", false}, {"error", std::string(error)}};
}

reply open_reply(const nlohmann::json& j, protocol_version known) {
  if (!j.is_object()) throw contract_error("the answer is not a JSON object");
  const auto v = j.find("version");
  if (v == j.end() || !v->is_string()) {
    throw contract_error(
        fmt::format("the answer carries no protocol version (lbd older than this lbctl, which "
                    "speaks protocol {}.x): use the lbctl of the running lbd",
                    known.major));
  }
  const auto version = parse_version(v->get<std::string>());
  if (!version) throw contract_error("the answer's " + version.error());
  if (version->major != known.major) {
    throw contract_error(
        fmt::format("lbd speaks control protocol {}, this lbctl knows {}.x: use the lbctl of the "
                    "same release as the running lbd",
                    to_string(*version), known.major));
  }
  const auto ok = j.find("ok");
  if (ok == j.end() || !ok->is_boolean()) throw contract_error("the answer has no boolean \"ok\"");
  reply r;
  r.ok = ok->get<bool>();
  if (r.ok) {
    const auto res = j.find("result");
    if (res == j.end()) throw contract_error("the answer has \"ok\": true but no \"result\"");
    r.result = *res;
  } else {
    const auto e = j.find("error");
    if (e == j.end() || !e->is_string()) throw contract_error("the answer has \"ok\": false but no string \"error\"");
    r.error = e->get<std::string>();
  }
  return r;
}

}  // namespace lbd::api

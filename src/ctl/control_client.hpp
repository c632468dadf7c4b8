// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// lbctl's side of the control socket: one JSON request line, one JSON reply line, with a deadline.
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>

#include "common/result.hpp"

namespace lbd::ctl {

struct call_error {
  enum class kind {
    unreachable,   // no daemon at the socket, no permission, no answer in time, an answer that is not JSON
    refused,       // the daemon answered {"ok":false,"error":...}
    incompatible,  // an answer in another major protocol version, or one that breaks the contract
  };
  kind what = kind::unreachable;
  std::string message;
};

// The daemon's reply: {"version":"1.x","ok":true,"result":...} gives the result;
// {"version":"1.x","ok":false,"error":"..."} a refusal; another major version is incompatible
// (status/protocol.hpp).
// Transport problems say what went wrong and what to look at:
// "cannot reach lbd at /run/lbd/lbd.sock: No such file or directory (is lbd running?)".
// `while_parsing`, when set, is the parser's callback (e.g. an api::array_taker that takes a large
// array's elements out as they are read); an exception it throws is an incompatible answer.
result<nlohmann::json, call_error> request(const std::string& socket_path, const std::string& command,
                                           const nlohmann::json& args = nlohmann::json::object(),
                                           std::chrono::milliseconds timeout = std::chrono::seconds(10),
                                           const nlohmann::json::parser_callback_t& while_parsing = nullptr);

// The same, with the error as one message.
result<nlohmann::json, std::string> call(const std::string& socket_path, const std::string& command,
                                         const nlohmann::json& args = nlohmann::json::object(),
                                         std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace lbd::ctl

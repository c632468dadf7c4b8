#pragma once
// lbctl's side of the control socket: one JSON request line, one JSON reply line, with a deadline.
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>

#include "common/result.hpp"

namespace lbd::ctl {

// The daemon's reply: {"ok":true,"result":...} or {"ok":false,"error":"..."}. Transport problems
// (no daemon, timeout, garbage) come back as the error string.
result<nlohmann::json, std::string> call(const std::string& socket_path, const std::string& command,
                                         const nlohmann::json& args = nlohmann::json::object(),
                                         std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace lbd::ctl

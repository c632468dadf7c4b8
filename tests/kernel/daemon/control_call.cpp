// SPDX-License-Identifier: GPL-2.0-or-later
// control_call SOCKET COMMAND [ARGS-JSON [POINTER]]: one request on lbd's control socket, for guest
// scripts (busybox has no JSON tool). Prints the result (or, with POINTER, the value at that JSON
// pointer; strings without quotes) and exits 0; prints the daemon's refusal or the transport error
// and exits 1.
#include <chrono>
#include <iostream>

#include "ctl/control_client.hpp"

int main(int argc, char** argv) {
  if (argc < 3 || argc > 5) {
    std::cerr << "usage: control_call SOCKET COMMAND [ARGS-JSON [POINTER]]\n";
    return 2;
  }
  nlohmann::json args = nlohmann::json::object();
  try {
    if (argc >= 4) args = nlohmann::json::parse(argv[3]);
  } catch (const nlohmann::json::exception& e) {
    std::cerr << "control_call: bad arguments: " << e.what() << "\n";
    return 2;
  }
  // Generous: a reload of a large table in a TCG guest takes many seconds.
  auto reply = lbd::ctl::call(argv[1], argv[2], args, std::chrono::minutes(10));
  if (!reply) {
    std::cout << "error: " << reply.error() << "\n";
    return 1;
  }
  nlohmann::json out = *reply;  // the result; a refusal came back as the error above
  if (argc == 5) {
    try {
      out = out.at(nlohmann::json::json_pointer(argv[4]));
    } catch (const nlohmann::json::exception& e) {
      std::cout << "error: no " << argv[4] << " in the result: " << e.what() << "\n";
      return 1;
    }
  }
  std::cout << (out.is_string() ? out.get<std::string>() : out.dump()) << "\n";
  return 0;
}

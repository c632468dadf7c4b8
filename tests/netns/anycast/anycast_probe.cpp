// SPDX-License-Identifier: GPL-2.0-or-later
// anycast_probe DEVICE TABLE PROTOCOL: lbd's announcement device and routes, driven from stdin for
// the netns test. Each input line is the whole desired set of prefixes (an empty line: none); each
// is reconciled at once and answered with one line, "applied add=N remove=M" or "error: ...".
// At end of input it exits, which (like any death, SIGKILL included) takes the device and its
// routes with it.
#include <charconv>
#include <cstdint>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "anycast/io/anycast_device.hpp"
#include "anycast/io/route_session.hpp"
#include "common/address.hpp"

namespace {

template <typename T>
bool parse_number(const char* text, T& out) {
  const std::string s(text);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace lbd;
  std::uint32_t table = 0;
  unsigned protocol = 0;
  if (argc != 4 || !parse_number(argv[2], table) || !parse_number(argv[3], protocol) || protocol > 255) {
    std::cerr << "usage: anycast_probe DEVICE TABLE PROTOCOL\n";
    return 2;
  }
  auto device = anycast::io::anycast_device::create(argv[1]);
  if (!device) {
    std::cerr << device.error() << "\n";
    return 1;
  }
  auto session = anycast::io::route_session::open(
      {.ifindex = (*device)->ifindex(), .protocol = static_cast<std::uint8_t>(protocol), .table = table});
  if (!session) {
    std::cerr << session.error() << "\n";
    return 1;
  }
  std::cout << "ready ifindex=" << (*device)->ifindex() << std::endl;
  std::string line;
  while (std::getline(std::cin, line)) {
    std::vector<prefix> desired;
    std::istringstream words(line);
    std::string word;
    bool bad = false;
    while (words >> word) {
      auto p = parse_prefix(word);
      if (!p) {
        std::cout << "error: " << p.error() << std::endl;
        bad = true;
        break;
      }
      desired.push_back(*p);
    }
    if (bad) continue;
    auto plan = (*session)->reconcile(desired);
    if (!plan) {
      std::cout << "error: " << plan.error() << std::endl;
      continue;
    }
    std::cout << "applied add=" << plan->add.size() << " remove=" << plan->remove.size() << std::endl;
  }
  return 0;
}

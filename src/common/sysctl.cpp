// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/sysctl.hpp"

#include <algorithm>
#include <fstream>

namespace lbd {

std::string sysctl_key(std::string_view dotted) {
  std::string key(dotted);
  std::replace(key.begin(), key.end(), '.', '/');
  return key;
}

std::string sysctl_file(std::string_view key) { return "/proc/sys/" + std::string(key); }

std::optional<std::string> read_sysctl(std::string_view key) {
  std::ifstream in(sysctl_file(key));
  std::string value;
  if (!(in >> value)) return std::nullopt;
  return value;
}

bool write_sysctl(std::string_view key, std::string_view value) {
  std::ofstream out(sysctl_file(key));
  out << value << '\n';
  out.flush();
  return static_cast<bool>(out);
}

}  // namespace lbd

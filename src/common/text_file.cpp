// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/text_file.hpp"

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace lbd {

result<std::string, std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return unexpected(fmt::format("cannot open: {}", std::strerror(errno)));
  std::string text;
  in.seekg(0, std::ios::end);
  if (const auto size = static_cast<std::streamoff>(in.tellg()); size > 0) text.reserve(static_cast<std::size_t>(size));
  in.seekg(0, std::ios::beg);
  std::array<char, 65536> chunk{};
  while (in.read(chunk.data(), chunk.size()) || in.gcount() > 0) {
    text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    if (in.eof()) break;
  }
  if (in.bad()) return unexpected(std::string("read error"));
  return text;
}

}  // namespace lbd

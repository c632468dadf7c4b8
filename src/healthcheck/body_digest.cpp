// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/body_digest.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <array>

namespace lbd::healthcheck {

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md.data(), &len, EVP_sha256(), nullptr) != 1) return {};
  std::string hex;
  hex.reserve(static_cast<std::size_t>(len) * 2);
  for (unsigned i = 0; i < len; ++i) hex += fmt::format("{:02x}", md[i]);
  return hex;
}

}  // namespace lbd::healthcheck

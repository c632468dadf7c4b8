// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Digest of a response body, shared by the http probers.
#include <string>
#include <string_view>

namespace lbd::healthcheck {

// Lower-case hex SHA-256 of `data` (OpenSSL EVP).
std::string sha256_hex(std::string_view data);

}  // namespace lbd::healthcheck

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A value quoted in an error message: whole when short, else its first 64 characters, "…" and its
// length, so a megabyte-long string in lbd.conf gives a one-line diagnostic.
#include <cstddef>
#include <string>
#include <string_view>

namespace lbd {

inline constexpr std::size_t max_quoted_chars = 64;

// "'abc'" or "'<first 64 characters>…' (100000 bytes)"; never cuts a UTF-8 sequence in two.
std::string quote_value(std::string_view value);

}  // namespace lbd

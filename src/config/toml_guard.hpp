// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Input the TOML parser must not see. toml++ 3.3.0 (Debian 12) reaches __builtin_unreachable() --
// undefined behaviour -- when it tests a non-ASCII character for whitespace: a non-ASCII character
// outside any string or comment, or right after a line-ending backslash in a """ string (upstream
// issues #190 and #295). Both are rejected here, with a position, before toml++ runs.
#include <optional>
#include <string>
#include <string_view>

namespace lbd::config::detail {

struct guard_finding {
  unsigned line = 0;
  unsigned column = 0;
  std::string message;
};

std::optional<guard_finding> find_unsafe_input(std::string_view text);

}  // namespace lbd::config::detail

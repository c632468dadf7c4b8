// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Case-insensitive comparison of protocol tokens (HTTP header names, agent keywords): ASCII letters
// only, as the protocols define them, whatever the locale.
#include <algorithm>
#include <string_view>

namespace lbd {

// Folds bit 0x20, which equates 'A'-'Z' with 'a'-'z'; the names compared are letters, digits and '-'.
inline bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return (x | 0x20) == (y | 0x20); });
}

}  // namespace lbd

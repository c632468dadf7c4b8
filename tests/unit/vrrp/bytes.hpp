// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
#include <cstddef>
#include <initializer_list>
#include <vector>

namespace lbd::vrrp::test {

inline std::vector<std::byte> bytes(std::initializer_list<unsigned> v) {
  std::vector<std::byte> out;
  out.reserve(v.size());
  for (unsigned x : v) out.push_back(static_cast<std::byte>(x));
  return out;
}

}  // namespace lbd::vrrp::test

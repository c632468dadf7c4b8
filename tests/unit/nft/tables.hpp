// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Tables shared by the nft unit tests.
#include "nft/model.hpp"

namespace lbd::nft::testing {

inline nat_table v4_table() {
  nat_table t;
  t.v4 = family_nat{};
  t.v4->pool = {"10.0.0.1", "10.0.0.4"};
  t.v4->of(protocol::tcp) = {{"192.0.2.10", 80}, {"192.0.2.10", 443}};
  t.v4->of(protocol::udp) = {{"192.0.2.10", 53}};
  return t;
}

inline nat_table dual_table() {
  nat_table t = v4_table();
  t.v6 = family_nat{};
  t.v6->pool = {"2001:db8::1", "2001:db8::1"};
  t.v6->of(protocol::tcp) = {{"2001:db8::10", 80}};
  return t;
}

inline kernel_table holding(const nat_table& t) { return kernel_table{true, true, t, {}}; }

}  // namespace lbd::nft::testing

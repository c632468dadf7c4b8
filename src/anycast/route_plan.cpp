// SPDX-License-Identifier: GPL-2.0-or-later
#include "anycast/route_plan.hpp"

#include <algorithm>
#include <iterator>

namespace lbd::anycast {

bool prefix_less(const prefix& a, const prefix& b) {
  if (a.address.is_v4() != b.address.is_v4()) return a.address.is_v4();
  if (a.address != b.address) return a.address < b.address;
  return a.length < b.length;
}

namespace {

std::vector<prefix> sorted_unique(std::vector<prefix> v) {
  std::sort(v.begin(), v.end(), prefix_less);
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

}  // namespace

route_plan plan_routes(const std::vector<prefix>& kernel, const std::vector<prefix>& desired) {
  const auto have = sorted_unique(kernel);
  const auto want = sorted_unique(desired);
  route_plan plan;
  std::set_difference(want.begin(), want.end(), have.begin(), have.end(), std::back_inserter(plan.add), prefix_less);
  std::set_difference(have.begin(), have.end(), want.begin(), want.end(), std::back_inserter(plan.remove), prefix_less);
  return plan;
}

}  // namespace lbd::anycast

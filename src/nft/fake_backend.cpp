// SPDX-License-Identifier: GPL-2.0-or-later
#include "nft/fake_backend.hpp"

namespace lbd::nft {

result<kernel_table, std::string> fake_backend::read(std::string_view /*name*/) {
  ++reads;
  return table;
}

// The fake takes the table a batch leads to from the batch itself; that its commands do lead there
// in a real kernel is what tests/netns/nft shows.
status<std::string> fake_backend::apply(const batch& b) {
  applied.push_back(b);
  if (!fail_apply.empty()) return unexpected(fail_apply);
  if (b.empty()) return ok;
  table = kernel_table{!b.after.empty(), !b.after.empty(), b.after, {}};
  return ok;
}

}  // namespace lbd::nft

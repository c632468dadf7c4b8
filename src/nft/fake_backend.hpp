// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// An in-memory table for unit tests: apply() leaves the table the batch says it leads to, so a
// test sees what a reconcile pass did; it records every batch and counts reads.
#include <vector>

#include "nft/backend.hpp"

namespace lbd::nft {

class fake_backend final : public backend {
 public:
  result<kernel_table, std::string> read(std::string_view name) override;
  status<std::string> apply(const batch& b) override;

  kernel_table table;          // what the "kernel" holds
  std::vector<batch> applied;  // every batch apply() received
  std::string fail_apply;      // non-empty: apply() fails with this message, changing nothing
  std::size_t reads = 0;
};

}  // namespace lbd::nft

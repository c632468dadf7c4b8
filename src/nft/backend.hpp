// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Where lbd's nftables table lives: the kernel (libnftables) or memory (fake, for tests). Calls are
// synchronous; errors are values. A backend reads and writes only the table it is asked about.
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "nft/model.hpp"
#include "nft/plan.hpp"

namespace lbd::nft {

class backend {
 public:
  backend() = default;
  backend(const backend&) = delete;
  backend& operator=(const backend&) = delete;
  virtual ~backend() = default;

  // Table `inet <name>`; exists = false when there is none.
  virtual result<kernel_table, std::string> read(std::string_view name) = 0;
  // Runs the batch as one transaction: on error nothing of it is applied.
  virtual status<std::string> apply(const batch& b) = 0;
};

}  // namespace lbd::nft

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// read -> plan -> apply: the one writer of lbd's nftables table. A pass that finds the table as
// desired writes nothing, so adopting the table a previous lbd left costs no change (no flush at
// start). Each batch is logged once (notice, or err when the kernel refused it) and counted:
// lbd_nft_batches_total{kind}, lbd_nft_errors_total{stage} (stage: read, apply).
#include <string>

#include "common/log.hpp"
#include "common/metrics.hpp"
#include "nft/backend.hpp"

namespace lbd::nft {

class reconciler {
 public:
  reconciler(backend& b, metrics::registry& m, std::string table_name, log::logger l = log::logger("nft"));

  struct outcome {
    batch applied;        // empty when the table was already as desired
    kernel_table kernel;  // as read
  };

  // Brings table `inet <name>` to `desired`. An error: the table could not be read (nothing was
  // written) or the kernel refused the batch (nothing of it was applied: one transaction).
  result<outcome, std::string> reconcile(const nat_table& desired);

  [[nodiscard]] const std::string& table_name() const { return name_; }

 private:
  void count_error(const char* stage);

  backend& backend_;
  metrics::registry& metrics_;
  std::string name_;
  log::logger log_;
};

}  // namespace lbd::nft

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The kernel's nftables through libnftables: lbd's table listed in JSON (parsed by nft/listing), the
// list of tables in text, batches in nft syntax, each run by one nft_run_cmd_from_buffer call, which
// libnftables sends to the kernel as one netlink transaction.
#include <memory>

#include "nft/backend.hpp"

struct nft_ctx;

namespace lbd::nft {

class libnftables_backend final : public backend {
 public:
  libnftables_backend();
  result<kernel_table, std::string> read(std::string_view name) override;
  status<std::string> apply(const batch& b) override;

 private:
  // Runs one command buffer; the output buffer (JSON or text), or the error libnftables reported.
  result<std::string, std::string> run(const std::string& commands, bool json);

  struct ctx_free {
    void operator()(nft_ctx* c) const;
  };
  std::unique_ptr<nft_ctx, ctx_free> ctx_;
};

}  // namespace lbd::nft

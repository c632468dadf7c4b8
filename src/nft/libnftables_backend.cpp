// SPDX-License-Identifier: GPL-2.0-or-later
#include "nft/libnftables_backend.hpp"

#include <fmt/format.h>
#include <nftables/libnftables.h>

#include "nft/listing.hpp"

namespace lbd::nft {

void libnftables_backend::ctx_free::operator()(nft_ctx* c) const { nft_ctx_free(c); }

libnftables_backend::libnftables_backend() : ctx_(nft_ctx_new(NFT_CTX_DEFAULT)) {
  if (ctx_ == nullptr) return;
  nft_ctx_buffer_output(ctx_.get());
  nft_ctx_buffer_error(ctx_.get());
}

result<std::string, std::string> libnftables_backend::run(const std::string& commands, bool json) {
  if (ctx_ == nullptr) return unexpected(std::string("libnftables: no context (out of memory)"));
  // Ports stay numeric (no NFT_CTX_OUTPUT_SERVICE), as nft/listing expects.
  nft_ctx_output_set_flags(ctx_.get(), json ? static_cast<unsigned>(NFT_CTX_OUTPUT_JSON) : 0U);
  const int rc = nft_run_cmd_from_buffer(ctx_.get(), commands.c_str());
  // The buffers are valid until the next run; copy them now.
  const char* out = nft_ctx_get_output_buffer(ctx_.get());
  const char* err = nft_ctx_get_error_buffer(ctx_.get());
  if (rc != 0) {
    std::string msg = err != nullptr ? err : "";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return unexpected(msg.empty() ? fmt::format("nft failed ({})", rc) : msg);
  }
  return std::string(out != nullptr ? out : "");
}

result<kernel_table, std::string> libnftables_backend::read(std::string_view name) {
  // Listing a missing table is an error like any other; the list of tables tells them apart.
  auto tables = run("list tables inet", false);
  if (!tables) return unexpected(fmt::format("listing tables: {}", tables.error()));
  auto present = lists_table(*tables, name);
  if (!present) return unexpected(present.error());
  if (!*present) return kernel_table{};
  auto listing = run(fmt::format("list table inet {}", name), true);
  if (!listing) return unexpected(fmt::format("listing table inet {}: {}", name, listing.error()));
  auto table = parse_listing(*listing, name);
  // lbd's table exists but its listing is unreadable: nftables 1.0.6 prints table flags (dormant)
  // from freed memory. lbd sets no flags, so someone else changed the table: it gets replaced.
  if (!table) return kernel_table{true, false, {}, table.error()};
  return table;
}

status<std::string> libnftables_backend::apply(const batch& b) {
  if (b.empty()) return ok;
  auto r = run(b.text(), false);
  if (!r) return unexpected(r.error());
  return ok;
}

}  // namespace lbd::nft

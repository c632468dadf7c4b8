// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The nftables planner: the difference between lbd's table in the kernel and the table lbd wants,
// as one batch of nft commands that libnftables runs as one transaction (all or nothing). Pure.
// Every command names lbd's table; no other table is ever read or written.
#include <string>
#include <string_view>
#include <vector>

#include "nft/model.hpp"

namespace lbd::nft {

enum class batch_kind : std::uint8_t {
  none,      // the kernel already holds the desired table
  create,    // the table is missing
  elements,  // only set elements differ: deletes, then adds
  replace,   // shape or pool differ: delete the table and create it, in one transaction
  remove,    // nothing is wanted: delete the table
};
std::string_view to_string(batch_kind k);

struct batch {
  batch_kind kind = batch_kind::none;
  std::vector<std::string> commands;  // nft syntax, one command each
  nat_table after;                    // the table once the batch is applied (empty: no table)
  [[nodiscard]] bool empty() const { return commands.empty(); }
  // The commands as one buffer for nft_run_cmd_from_buffer (one line each).
  [[nodiscard]] std::string text() const;
};

// The commands that create table `inet <name>` holding `desired` (empty when desired is empty).
std::vector<std::string> create_commands(std::string_view name, const nat_table& desired);

batch plan(std::string_view name, const kernel_table& kernel, const nat_table& desired);

}  // namespace lbd::nft

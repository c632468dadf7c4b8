// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// lbd's table from `nft -j list table inet <name>` (libnftables' JSON output) into the model.
// Strict about the format: text that is not such a listing is an error naming what is wrong. A
// well-formed listing whose content lbd did not write (a foreign rule, set, chain or element, a
// changed hook) is not an error: it gives kernel_table{exists, exact = false}, which the plan
// replaces.
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "nft/model.hpp"

namespace lbd::nft {

result<kernel_table, std::string> parse_listing(std::string_view json, std::string_view name);

// Whether `nft list tables` (text: one "table <family> <name>" a line) names table `inet <name>`.
// Text, not JSON: nftables 1.0.6 prints a table's flags in JSON from freed memory, so the JSON list
// of tables is garbage as soon as any table, lbd's or not, has flags (dormant).
result<bool, std::string> lists_table(std::string_view text, std::string_view name);

}  // namespace lbd::nft

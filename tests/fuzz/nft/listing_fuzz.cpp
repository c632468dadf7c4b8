// SPDX-License-Identifier: GPL-2.0-or-later
// `nft -j list table` output: any input gives a table or an error, and a table read as exactly
// lbd's shape needs no change to become what it holds (an empty one is deleted).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "nft/listing.hpp"
#include "nft/plan.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)lbd::nft::lists_table(text, "lbd");
  auto k = lbd::nft::parse_listing(text, "lbd");
  if (!k) return 0;
  if (k->exact && !k->content.empty() && !lbd::nft::plan("lbd", *k, k->content).empty()) std::abort();
  if (lbd::nft::plan("lbd", *k, lbd::nft::nat_table{}).empty() == k->exists) std::abort();
  return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The table printed the way `ipvsadm -Ln` (and `--stats`, `--rate`) prints it, byte for byte, so
// operators and tests can compare the two. Pure: a table in, text out.
#include <string>

#include "ipvs/model.hpp"

namespace lbd::ipvs {

enum class listing_format : std::uint8_t { plain, stats, rate };

std::string format_listing(const table& t, const info& i, listing_format f = listing_format::plain);

// ipvsadm's compact counter: 9 columns, then K/M/G/T suffixes for large values.
std::string format_largenum(std::uint64_t n);

}  // namespace lbd::ipvs

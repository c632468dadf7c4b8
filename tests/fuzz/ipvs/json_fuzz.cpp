// SPDX-License-Identifier: GPL-2.0-or-later
// The lbd-ipvs table file: any input gives a table or an error, and a table survives a round trip.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ipvs/json_table.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto t = lbd::ipvs::table_from_json(text);
  if (!t) return 0;
  auto back = lbd::ipvs::table_from_json(lbd::ipvs::table_to_json(*t, false));
  if (!back || back->size() != t->size()) std::abort();
  return 0;
}

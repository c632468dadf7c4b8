// SPDX-License-Identifier: GPL-2.0-or-later
// /proc/net/ip_vs_conn text: the parser takes any bytes, and what it accepts formats and converts to
// JSON without failing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ipvs/conn_table.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);  // NOLINT
  auto t = lbd::ipvs::parse_conn_table(text);
  (void)lbd::ipvs::format_connections(t.rows);
  (void)lbd::ipvs::connections_to_json(t.rows).dump();
  return 0;
}

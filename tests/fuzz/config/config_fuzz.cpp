// SPDX-License-Identifier: GPL-2.0-or-later
// Any bytes as lbd.conf: the loader must return diagnostics, never crash, leak or hit UB. Whatever
// it accepts must print, reload from the printed JSON, and print again identically.
#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "config/diff.hpp"
#include "config/load.hpp"
#include "config/to_json.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);  // NOLINT: bytes in, text out
  const lbd::config::load_options options{"fuzz"};
  auto result = lbd::config::load_string(text, "fuzz.conf", options);
  for (const auto& d : result.diagnostics) (void)lbd::config::format(d);
  if (result.ok() != (result.error_count() == 0)) std::abort();
  if (!result.ok()) return 0;

  const std::string printed = lbd::config::to_json(*result.cfg).dump();
  auto again = lbd::config::load_json(printed, "fuzz.json", options);
  if (!again.ok()) {
    for (const auto& d : again.diagnostics) fmt::print(stderr, "{}\n", lbd::config::format(d));
    fmt::print(stderr, "printed form does not reload:\n{}\n", printed);
    std::abort();
  }
  if (lbd::config::to_json(*again.cfg).dump() != printed) {
    fmt::print(stderr, "printed form is not stable:\n{}\n", printed);
    std::abort();
  }
  if (!lbd::config::diff(*result.cfg, *again.cfg).empty()) std::abort();
  return 0;
}

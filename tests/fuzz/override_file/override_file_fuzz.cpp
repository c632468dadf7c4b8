// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzzes the reader of lbd's state file (lbd --state-file, /var/lib/lbd/state.json), which lbd reads
// at start, when the file may be torn, edited by hand or not lbd's at all. Whatever reads must
// survive an encode/read round trip unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "daemon/services/override_file.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);  // NOLINT
  auto read = lbd::daemon::decode_state(text);
  if (!read) return 0;
  auto again = lbd::daemon::decode_state(lbd::daemon::encode_overrides(read->ovr, read->ramps));
  if (!again || again->ovr.entries() != read->ovr.entries() || again->ramps != read->ramps) std::abort();
  return 0;
}

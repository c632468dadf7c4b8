// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzzes the parser of the saved VRRP state (/run/lbd/vrrp-<instance>.state), which a restarted lbd
// and `lbd --release-vips` read after a crash, when the file may be torn or not lbd's at all.
// Whatever parses must survive an encode/parse round trip unchanged and stay within the bounds the
// parser promises.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vrrp/resume.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);  // NOLINT
  auto parsed = lbd::vrrp::parse_saved_state(text);
  if (!parsed) return 0;
  if (parsed->vips.size() > lbd::vrrp::saved_state_max_vips) std::abort();
  auto again = lbd::vrrp::parse_saved_state(lbd::vrrp::encode(*parsed));
  if (!again || !(*again == *parsed)) std::abort();
  return 0;
}

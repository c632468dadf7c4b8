// SPDX-License-Identifier: GPL-2.0-or-later
// The daemon's answers as lbctl prints them: any JSON value renders in every view without throwing,
// and any text is a time or not.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ctl/view/views.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  namespace view = lbd::ctl::view;
  (void)view::parse_rfc3339(text);
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return 0;
  auto now = std::chrono::system_clock::time_point(std::chrono::hours(500000));
  (void)view::status(j, now);
  (void)view::vrrp(j, now);
  (void)view::services(j);
  (void)view::checks(j, now);
  (void)view::reload(j, now);
  (void)view::reload_line(j, now);
  (void)view::override_result(j, "drained");
  return 0;
}

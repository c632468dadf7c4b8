// SPDX-License-Identifier: GPL-2.0-or-later
// The plain-http prober's response parser reads whatever a real server sends. The first byte
// chooses the limits and where the input is split into two reads; the rest is the answer. The
// outcome must not depend on the split, and a body never exceeds its limit.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "healthcheck/http_response.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): libFuzzer's entry point
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using lbd::healthcheck::http_response_limits;
  using lbd::healthcheck::http_response_parser;
  if (size < 1) return 0;
  const std::uint8_t selector = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const http_response_limits limits{(selector & 1U) != 0 ? std::size_t{64} : std::size_t{16384},
                                    (selector & 2U) != 0 ? std::size_t{16} : std::size_t{65536}, true,
                                    (selector & 4U) != 0};
  const std::size_t cut = text.empty() ? 0 : (selector >> 3U) % (text.size() + 1);
  const bool close = (selector & 128U) != 0;

  http_response_parser whole(limits);
  whole.feed(text);
  if (close) whole.finish();
  http_response_parser split(limits);
  split.feed(text.substr(0, cut));
  split.feed(text.substr(cut));
  if (close) split.finish();

  if (whole.current() != split.current() || whole.body() != split.body()) __builtin_trap();
  if (whole.body().size() > limits.max_body || whole.body_size() != whole.body().size()) __builtin_trap();
  if (whole.current() == http_response_parser::state::failed && whole.reason().empty()) __builtin_trap();
  if (whole.current() == http_response_parser::state::done && (whole.status() < 100 || whole.status() > 999)) {
    __builtin_trap();
  }
  return 0;
}

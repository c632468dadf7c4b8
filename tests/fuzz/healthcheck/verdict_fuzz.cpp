// SPDX-License-Identifier: GPL-2.0-or-later
// The verdicts that read bytes from the outside: a DNS answer from the real server, and a
// script's stdout (dynamic weight). First byte selects, the rest is the input.
#include <cstddef>
#include <cstdint>
#include <string>

#include "healthcheck/dns_prober.hpp"
#include "healthcheck/script_prober.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): libFuzzer's entry point
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lbd::healthcheck;
  if (size < 1) return 0;
  const std::uint8_t selector = data[0];
  const auto* rest = data + 1;
  const std::size_t n = size - 1;
  if ((selector & 1U) == 0) {
    dns_params p;
    if ((selector & 2U) != 0) p.expect_rcode = selector >> 4U;
    const lbd::endpoint target{boost::asio::ip::make_address("127.0.0.1"), 53};
    const auto r = judge_dns_answer(p, rest, static_cast<int>(n), target, {});
    if (r.reason.empty()) __builtin_trap();
  } else {
    script_params p;
    p.argv = {"/bin/check"};
    p.dynamic_weight = weight_source::stdout_line;
    p.min_weight = selector >> 4U;
    p.max_weight = 200;
    lbd::process::outcome o;
    o.started = true;
    o.exit_code = 0;
    o.out.assign(reinterpret_cast<const char*>(rest), n);
    const auto r = judge_script(p, o, "1s");
    if (r.weight && (*r.weight < p.min_weight || *r.weight > p.max_weight)) __builtin_trap();
  }
  return 0;
}

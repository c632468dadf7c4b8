// SPDX-License-Identifier: GPL-2.0-or-later
// The agent check's reply comes from whatever listens on the agent port of a real server. The
// first byte chooses the configured weight, what an unreachable agent means, and whether the
// check is up; the rest is the reply. A reply is parsed or refused with a reason, and the rule
// never brings up a server whose check is down nor gives more than the IPVS maximum.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "healthcheck/agent_policy.hpp"
#include "healthcheck/agent_reply.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): libFuzzer's entry point
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lbd::healthcheck;
  if (size < 1) return 0;
  const std::uint8_t selector = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);  // NOLINT: bytes as text
  const auto parsed = parse_agent_reply(text);
  if (parsed.reply.has_value() != (parsed.error == agent_reply_error::none)) __builtin_trap();
  if (!parsed.reply) {
    if (parsed.reason.empty()) __builtin_trap();
    return 0;
  }
  const agent_reply& r = *parsed.reply;
  if (r.weight_percent && *r.weight_percent > max_agent_weight_percent) __builtin_trap();
  if (r.description.size() > max_agent_line || r.unknown.size() > max_agent_line) __builtin_trap();
  // The same line ended by a newline, and followed by anything, is the same reply.
  const std::string_view line = text.substr(0, agent_line_end(text));
  std::string ended(line);
  ended += "\n\x01 maint";
  const auto again = parse_agent_reply(ended);
  if (!again.reply || !(*again.reply == r)) __builtin_trap();

  const unsigned configured = (selector & 0x0fU) * 4369U;  // 0 .. 65535
  const auto unreachable = static_cast<agent_unreachable>((selector >> 4U) % 3U);
  const bool check_up = (selector & 0x40U) != 0;
  const agent_state s = apply_agent_reply(agent_state{}, &r);
  const auto e = combine_agent(check_up, s, configured, unreachable);
  if (!check_up && e.up) __builtin_trap();
  if (e.weight > max_ipvs_weight || (!e.up && e.weight != 0) || (e.draining && e.weight != 0)) __builtin_trap();
  if (e.why.empty()) __builtin_trap();
  return 0;
}

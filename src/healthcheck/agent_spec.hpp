// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// An agent check's settings as lbd.conf gives them (a real server's `agent` table, or its
// service's): where the agent listens on the real server, what to send it, how often to ask and
// what an agent that does not answer means. A plain value, read by the configuration loader
// without the checker's I/O (agent_prober.hpp runs the queries, agent_policy.hpp applies them).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/duration.hpp"

namespace lbd::healthcheck {

enum class agent_unreachable : std::uint8_t {
  checks_only,  // the default: the server is as its checks say, at its configured weight
  keep_last,    // the agent's last state stays in force (HAProxy)
  down,         // the server is down until the agent answers again
};

// Longest `send` accepted: a request is a word or two ("state\n"); more is a mistake.
inline constexpr std::size_t max_agent_send = 256;

struct agent_settings {
  std::uint16_t port = 0;  // on the real server's address
  std::string send;        // written once connected; empty: the agent speaks first
  duration interval = std::chrono::seconds(2);
  duration timeout = std::chrono::seconds(1);
  agent_unreachable unreachable = agent_unreachable::checks_only;
  friend bool operator==(const agent_settings&, const agent_settings&) = default;
};

}  // namespace lbd::healthcheck

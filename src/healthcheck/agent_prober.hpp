// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The agent check (HAProxy's agent-check protocol): connect over TCP to the agent's port on the
// real server, send the configured bytes if any (HAProxy's agent-send), read one line of at most
// max_agent_line bytes, ended by CR, LF or the close, and parse it (agent_reply.hpp). The same
// machinery as the tcp prober: probe slots keeping their sockets on one socket_poller, one
// deadline queue, a reset at the end; the line is read into the slot's fixed buffer, so a probe
// allocates nothing and an agent that sends more than a line cannot make it hold more.
//
// Not a `prober`: an agent check is not a health check of its own. Its outcome is the parsed
// reply, which agent_policy.hpp combines with the server's health check.
#include <boost/asio/any_io_executor.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "healthcheck/agent_reply.hpp"
#include "healthcheck/deadline_queue.hpp"
#include "healthcheck/probe_slots.hpp"
#include "healthcheck/probe_socket.hpp"
#include "healthcheck/prober.hpp"
#include "healthcheck/socket_poller.hpp"

namespace lbd::healthcheck {

struct agent_params {
  std::string send;  // written once connected (e.g. "state\n"); empty: the agent speaks first
};

struct agent_result {
  // ok: a reply was understood (reason "agent reply from A: LINE"); else why not, with the kinds
  // of the other probers (refused, reset, timeout, error) and "malformed" for a reply not
  // understood, too long or with bytes that are not ASCII text.
  probe_result probe;
  std::optional<agent_reply> reply;  // set when probe.ok
};
using agent_handler = std::function<void(agent_result)>;

class agent_prober {
 public:
  explicit agent_prober(const boost::asio::any_io_executor& ex);
  agent_prober(const agent_prober&) = delete;
  agent_prober& operator=(const agent_prober&) = delete;
  // Resets the connections of queries still running; their handlers are dropped, not called.
  ~agent_prober();

  // Calls `handler` once, from the io_context, within `timeout`.
  void async_query(const endpoint& target, const agent_params& params, duration timeout, agent_handler handler);

  [[nodiscard]] std::size_t running() const { return slots_.running(); }
  // Replies that were not understood since the start (for a counter of the daemon's).
  [[nodiscard]] std::uint64_t malformed_replies() const { return malformed_; }

 private:
  struct probe {
    reusable_socket socket;
    endpoint target;
    std::string send;
    duration timeout{};
    agent_handler handler;
    time_point started{};
    std::size_t sent = 0;
    // The line and its end: one byte more than a line may hold, so that a line too long is known.
    std::array<char, max_agent_line + 1> line{};
    std::size_t received = 0;
    bool connected = false;
  };

  void on_event(std::uint64_t slot, std::uint32_t events);
  void on_deadline(std::uint64_t token);
  // Sends what is left to send, then reads the line; completes when it can.
  void advance(std::uint64_t token, probe& p);
  // The line is complete (ended, closed, or as long as allowed): parse it and complete.
  void judge(std::uint64_t token, probe& p);
  void complete(std::uint64_t token, probe& p, agent_result r);

  boost::asio::any_io_executor ex_;
  std::uint64_t malformed_ = 0;
  probe_slots<probe> slots_;
  deadline_queue deadlines_;
  socket_poller poller_;
};

}  // namespace lbd::healthcheck

// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/agent_prober.hpp"

#include <sys/socket.h>
#include <boost/asio/post.hpp>

#include <cerrno>
#include <string_view>

#include "common/duration.hpp"
#include "common/errno_code.hpp"
#include "healthcheck/reasons.hpp"

namespace lbd::healthcheck {
agent_prober::agent_prober(const boost::asio::any_io_executor& ex)
    : ex_(ex),
      deadlines_(
          ex, [this](std::uint64_t token) { return slots_.find(token) != nullptr; },
          [this](std::uint64_t token) { on_deadline(token); }),
      poller_(ex, [this](std::uint64_t token, std::uint32_t events) { on_event(token, events); }) {}

agent_prober::~agent_prober() = default;

void agent_prober::async_query(const endpoint& target, const agent_params& params, duration timeout,
                               agent_handler handler) {
  const auto started = clock::now();
  auto [token, p] = slots_.acquire();
  // The agent speaks first, once its side of the connection is up: acknowledge at once.
  if (const int err = p.socket.connect(target, poller_, probe_slots<probe>::index_of(token),
                                       reusable_socket::handshake_ack::immediate);
      err != 0) {
    slots_.release(token);
    boost::asio::post(
        ex_, [h = std::move(handler), r = socket_failure({err, boost::system::system_category()}, "connect to agent",
                                                         target, clock::now() - started)] {
          h(agent_result{r, std::nullopt});
        });
    return;
  }
  p.target = target;
  p.send = params.send;  // assigned into the slot's string: no allocation once it is big enough
  p.timeout = timeout;
  p.handler = std::move(handler);
  p.started = started;
  p.sent = 0;
  p.received = 0;
  p.connected = false;
  deadlines_.push(started + timeout, token);
}

void agent_prober::on_event(std::uint64_t slot, std::uint32_t events) {
  auto [token, p] = slots_.running_at(slot);
  if (p == nullptr) return;
  if (!p->connected) {
    boost::system::error_code ec;
    const auto progress = p->socket.connect_outcome(events, ec);
    if (progress == connect_progress::failed) {
      complete(
          token, *p,
          agent_result{socket_failure(ec, "connect to agent", p->target, clock::now() - p->started), std::nullopt});
    }
    if (progress != connect_progress::connected) return;
    p->connected = true;
  }
  advance(token, *p);
}

void agent_prober::advance(std::uint64_t token, probe& p) {
  while (p.sent < p.send.size()) {
    const ssize_t n = ::send(p.socket.fd(), p.send.data() + p.sent, p.send.size() - p.sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return;  // the next EPOLLOUT edge continues
      complete(token, p,
               agent_result{socket_failure(last_error(), "send to agent", p.target, clock::now() - p.started),
                            std::nullopt});
      return;
    }
    p.sent += static_cast<std::size_t>(n);
  }
  while (p.received < p.line.size()) {
    const ssize_t n = ::recv(p.socket.fd(), p.line.data() + p.received, p.line.size() - p.received, 0);
    if (n > 0) {
      const std::string_view fresh(p.line.data() + p.received, static_cast<std::size_t>(n));
      p.received += static_cast<std::size_t>(n);
      if (agent_line_end(fresh) != std::string_view::npos) break;  // the line is complete
      continue;
    }
    if (n == 0) break;                              // closed: the line is what came
    if (errno == EAGAIN || errno == EINTR) return;  // the next EPOLLIN edge continues
    complete(token, p,
             agent_result{socket_failure(last_error(), "reading from agent", p.target, clock::now() - p.started),
                          std::nullopt});
    return;
  }
  judge(token, p);
}

void agent_prober::judge(std::uint64_t token, probe& p) {
  const auto took = clock::now() - p.started;
  const std::string t = to_string(p.target);
  const std::string_view received(p.line.data(), p.received);
  auto parsed = parse_agent_reply(received);
  if (parsed.error == agent_reply_error::empty) {
    complete(token, p, agent_result{probe_fail("empty", "empty reply from agent " + t, took), std::nullopt});
    return;
  }
  if (!parsed.reply) {
    ++malformed_;
    complete(token, p,
             agent_result{probe_fail("malformed", "malformed agent reply from " + t + ": " + parsed.reason, took),
                          std::nullopt});
    return;
  }
  const std::string_view line = received.substr(0, agent_line_end(received));
  complete(token, p,
           agent_result{probe_ok("agent reply from " + t + ": " + std::string(line), took), std::move(parsed.reply)});
}

void agent_prober::on_deadline(std::uint64_t token) {
  probe* p = slots_.find(token);
  if (p == nullptr) return;
  const auto* what = p->connected ? "no agent reply within " : "connect timeout after ";
  complete(token, *p,
           agent_result{
               probe_fail("timeout", what + format_duration(p->timeout) + " to " + to_string(p->target), p->timeout),
               std::nullopt});
}

void agent_prober::complete(std::uint64_t token, probe& p, agent_result r) {
  auto handler = std::move(p.handler);
  p.handler = nullptr;
  p.socket.finish(slots_.idle());
  slots_.release(token);  // the handler may start the next query in this very slot
  handler(std::move(r));
}

}  // namespace lbd::healthcheck

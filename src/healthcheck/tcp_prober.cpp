// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/tcp_prober.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <boost/asio/post.hpp>

#include <cerrno>

#include "common/duration.hpp"
#include "common/errno_code.hpp"
#include "healthcheck/probe_socket.hpp"
#include "healthcheck/reasons.hpp"

namespace lbd::healthcheck {

tcp_prober::tcp_prober(const boost::asio::any_io_executor& ex)
    : ex_(ex),
      deadlines_(
          ex, [this](std::uint64_t token) { return slots_.find(token) != nullptr; },
          [this](std::uint64_t token) { on_deadline(token); }),
      poller_(ex, [this](std::uint64_t token, std::uint32_t events) { on_event(token, events); }) {}

tcp_prober::~tcp_prober() = default;

void tcp_prober::async_probe(const endpoint& target, const check_params& params, duration timeout,
                             probe_handler handler) {
  const auto* tp = std::get_if<tcp_params>(&params);
  if (tp == nullptr) {
    boost::asio::post(ex_, [h = std::move(handler)] {
      h(probe_fail("error", "tcp prober given another check type", duration::zero()));
    });
    return;
  }
  const auto started = clock::now();
  auto [token, p] = slots_.acquire();
  // A server that speaks first (expect without send) waits for its side of the connection.
  const auto ack = tp->send.empty() && !tp->expect.empty() ? reusable_socket::handshake_ack::immediate
                                                           : reusable_socket::handshake_ack::delayed;
  if (const int err = p.socket.connect(target, poller_, probe_slots<probe>::index_of(token), ack, route_of(params));
      err != 0) {
    slots_.release(token);
    // Failed at once (no descriptors, network unreachable, ...): reported from the io_context.
    boost::asio::post(
        ex_, [h = std::move(handler), r = socket_failure({err, boost::system::system_category()}, "connect to", target,
                                                         clock::now() - started)] { h(r); });
    return;
  }
  p.target = target;
  p.params = *tp;  // assigned into the slot's strings: no allocation once they are big enough
  p.timeout = timeout;
  p.handler = std::move(handler);
  p.started = started;
  p.sent = 0;
  p.reply.clear();
  p.connected = false;
  deadlines_.push(started + timeout, token);
}

void tcp_prober::on_event(std::uint64_t slot, std::uint32_t events) {
  auto [token, p] = slots_.running_at(slot);
  if (p == nullptr) return;
  if (!p->connected) {
    boost::system::error_code ec;
    const auto progress = p->socket.connect_outcome(events, ec);
    if (progress == connect_progress::failed) {
      complete(token, *p, socket_failure(ec, "connect to", p->target, clock::now() - p->started));
    }
    if (progress != connect_progress::connected) return;
    p->connected = true;
    if (p->params.send.empty() && p->params.expect.empty()) {
      complete(token, *p, probe_ok("connected to " + to_string(p->target), clock::now() - p->started));
      return;
    }
  }
  advance(token, *p);
}

void tcp_prober::advance(std::uint64_t token, probe& p) {
  const std::string& out = p.params.send;
  while (p.sent < out.size()) {
    const ssize_t n = ::send(p.socket.fd(), out.data() + p.sent, out.size() - p.sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return;  // the next EPOLLOUT edge continues
      complete(token, p, socket_failure(last_error(), "send to", p.target, clock::now() - p.started));
      return;
    }
    p.sent += static_cast<std::size_t>(n);
  }
  const std::string& expect = p.params.expect;
  if (expect.empty()) {
    complete(token, p, probe_ok("connected to " + to_string(p.target), clock::now() - p.started));
    return;
  }
  boost::system::error_code ec;
  while (p.reply.size() < expect.size()) {
    const std::size_t have = p.reply.size();
    p.reply.resize(expect.size());
    const ssize_t n = ::recv(p.socket.fd(), p.reply.data() + have, expect.size() - have, 0);
    p.reply.resize(have + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
    if (n > 0) continue;
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;  // the next EPOLLIN edge continues
    ec = n == 0 ? boost::system::error_code(boost::asio::error::eof) : last_error();
    break;
  }
  const auto took = clock::now() - p.started;
  // Compare what arrived even on EOF: a short wrong reply says more than "connection closed".
  if (expect.compare(0, p.reply.size(), p.reply) != 0) {
    complete(token, p,
             probe_fail("body", "reply from " + to_string(p.target) + " does not start with the expected bytes", took));
    return;
  }
  if (ec) {
    complete(token, p, socket_failure(ec, "reading from", p.target, took));
    return;
  }
  complete(token, p, probe_ok("expected reply from " + to_string(p.target), took));
}

void tcp_prober::on_deadline(std::uint64_t token) {
  probe* p = slots_.find(token);
  if (p == nullptr) return;
  const auto* what = p->connected ? "no expected reply within " : "connect timeout after ";
  complete(token, *p,
           probe_fail("timeout", what + format_duration(p->timeout) + " to " + to_string(p->target), p->timeout));
}

void tcp_prober::complete(std::uint64_t token, probe& p, probe_result r) {
  auto handler = std::move(p.handler);
  p.handler = nullptr;
  p.socket.finish(slots_.idle());
  slots_.release(token);  // the handler may start the next probe in this very slot
  handler(std::move(r));
}

}  // namespace lbd::healthcheck

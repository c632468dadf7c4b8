// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/plain_http_prober.hpp"

#include <fmt/format.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>

#include "common/ascii_case.hpp"
#include "common/duration.hpp"
#include "common/errno_code.hpp"
#include "healthcheck/body_digest.hpp"
#include "healthcheck/buffer_memory.hpp"
#include "healthcheck/probe_socket.hpp"
#include "healthcheck/reasons.hpp"

namespace lbd::healthcheck {
namespace {

std::string_view header_name(std::string_view line) { return line.substr(0, line.find(':')); }

bool overridden(const http_params& p, std::string_view name) {
  return std::any_of(p.headers.begin(), p.headers.end(),
                     [name](const std::string& h) { return iequals(header_name(h), name); });
}

}  // namespace

void format_http_request(std::string& out, const http_params& p, const endpoint& target) {
  // Appends, not fmt: this runs for every probe.
  out.clear();
  out.append(p.method).append(" ").append(p.path).append(" HTTP/1.1\r\n");
  if (!overridden(p, "Host")) {
    out += "Host: ";
    if (!p.host.empty()) {
      out += p.host;
    } else {
      // "10.0.1.11:8080", "[2001:db8::1]:8080"; the port is left out when it is 80.
      std::string host = to_string(target);
      if (target.port == 80) host.resize(host.rfind(':'));
      out += host;
    }
    out += "\r\n";
  }
  if (!overridden(p, "User-Agent")) out += "User-Agent: lbd-healthcheck\r\n";
  if (!overridden(p, "Accept")) out += "Accept: */*\r\n";
  if (!overridden(p, "Connection")) out += "Connection: close\r\n";
  for (const auto& h : p.headers) {
    const std::string_view name = header_name(h);
    const std::string_view value = name.size() < h.size() ? std::string_view(h).substr(name.size() + 1) : "";
    if (value.find_first_not_of(" \t") == std::string_view::npos) continue;  // "Name:" removes the header
    out += h;
    out += "\r\n";
  }
  out += "\r\n";
}

probe_result judge_http_response(unsigned status, std::string_view body, const std::vector<status_range>& expect,
                                 pcre_regex* regex, const std::string& sha256, const endpoint& target, duration took) {
  const std::string t = to_string(target);
  const bool expected = std::any_of(expect.begin(), expect.end(),
                                    [status](const status_range& r) { return status >= r.lo && status <= r.hi; });
  if (!expected) return probe_fail("status", fmt::format("HTTP {} from {}", status, t), took);
  if (regex != nullptr) {
    if (auto failed = judge_body_regex(*regex, body, status, t, took)) return std::move(*failed);
  }
  if (!sha256.empty()) {
    const std::string got = sha256_hex(body);
    if (got != sha256) {
      return probe_fail(
          "body", fmt::format("body sha256 {} differs from the expected {} (HTTP {} from {})", got, sha256, status, t),
          took);
    }
  }
  // Appends, not fmt: this is the reason of every successful check.
  std::array<char, 8> digits{};
  const char* const end = std::to_chars(digits.data(), digits.data() + digits.size(), status).ptr;
  std::string reason;
  reason.reserve(16 + t.size());
  reason.append("HTTP ")
      .append(digits.data(), static_cast<std::size_t>(end - digits.data()))
      .append(" from ")
      .append(t);
  return probe_ok(std::move(reason), took);
}

plain_http_prober::plain_http_prober(const boost::asio::any_io_executor& ex)
    : ex_(ex),
      deadlines_(
          ex, [this](std::uint64_t token) { return slots_.find(token) != nullptr; },
          [this](std::uint64_t token) { on_deadline(token); }),
      poller_(ex, [this](std::uint64_t token, std::uint32_t events) { on_event(token, events); }) {}

plain_http_prober::~plain_http_prober() = default;

void plain_http_prober::async_probe(const endpoint& target, const check_params& params, duration timeout,
                                    probe_handler handler) {
  const auto started = clock::now();
  const auto* hp = std::get_if<http_params>(&params);
  const auto fail_soon = [&](probe_result r) {
    boost::asio::post(ex_, [h = std::move(handler), r = std::move(r)] { h(r); });
  };
  if (hp == nullptr || hp->tls) {
    fail_soon(probe_fail("error", "plain http prober given another check type", duration::zero()));
    return;
  }
  const auto& compiled = regexes_.get(hp->body_regex);
  if (!compiled.error.empty()) {
    fail_soon(invalid_body_regex(hp->body_regex, compiled.error));
    return;
  }
  pcre_regex* const regex = compiled.regex.get();
  auto [token, p] = slots_.acquire();
  if (const int err = p.socket.connect(target, poller_, probe_slots<probe>::index_of(token),
                                       reusable_socket::handshake_ack::delayed, route_of(params));
      err != 0) {
    slots_.release(token);
    fail_soon(socket_failure({err, boost::system::system_category()}, "connect to", target, clock::now() - started));
    return;
  }
  p.target = target;
  p.timeout = timeout;
  p.handler = std::move(handler);
  p.started = started;
  p.connected = false;
  format_http_request(p.request, *hp, target);
  p.sent = 0;
  p.response.reset(
      http_response_limits{16384, hp->max_body, regex != nullptr || !hp->body_sha256.empty(), hp->method == "HEAD"});
  p.expect_status = hp->expect_status;
  p.regex = regex;
  p.body_sha256 = hp->body_sha256;
  deadlines_.push(started + timeout, token);
  if (early_send_.should_try()) send_early(token, p);
}

void plain_http_prober::send_early(std::uint64_t token, probe& p) {
  // The handshake often completes inside connect (loopback, veth: a real server on this host).
  // The request then leaves at once and is answered while the other checks of this wake-up
  // start, rather than after the burst, each answer waking the daemon again.
  const ssize_t n = ::send(p.socket.fd(), p.request.data(), p.request.size(), MSG_NOSIGNAL);
  if (n >= 0) {
    early_send_.worked();
    p.connected = true;
    p.sent = static_cast<std::size_t>(n);
    return;
  }
  if (errno == EAGAIN) {
    early_send_.missed();  // still connecting: EPOLLOUT will say when
    return;
  }
  // The connect failed at once, and the send has just read (and cleared) its error: report it
  // from the io_context, never from inside async_probe.
  auto r = socket_failure(last_error(), "connect to", p.target, clock::now() - p.started);
  auto handler = std::move(p.handler);
  p.handler = nullptr;
  release(token, p);
  boost::asio::post(ex_, [h = std::move(handler), r = std::move(r)] { h(r); });
}

void plain_http_prober::on_event(std::uint64_t slot, std::uint32_t events) {
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
  }
  if (p->sent < p->request.size() && !send_request(token, *p)) return;
  // The answer comes later, with an EPOLLIN edge of its own: a read now would mostly find nothing.
  if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) == 0) return;
  read_response(token, *p);
}

bool plain_http_prober::send_request(std::uint64_t token, probe& p) {
  while (p.sent < p.request.size()) {
    const ssize_t n = ::send(p.socket.fd(), p.request.data() + p.sent, p.request.size() - p.sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return false;  // the next EPOLLOUT edge continues
      complete(token, p, socket_failure(last_error(), "send to", p.target, clock::now() - p.started));
      return false;
    }
    p.sent += static_cast<std::size_t>(n);
  }
  return true;
}

void plain_http_prober::read_response(std::uint64_t token, probe& p) {
  using parser = http_response_parser;
  parser::state st = parser::state::need_more;
  while (st == parser::state::need_more) {
    const ssize_t n = ::recv(p.socket.fd(), buffer_.data(), buffer_.size(), 0);
    if (n > 0) {
      st = p.response.feed(std::string_view(buffer_.data(), static_cast<std::size_t>(n)));
    } else if (n == 0) {
      st = p.response.finish();
    } else if (errno == EINTR) {
      continue;
    } else if (errno == EAGAIN) {
      return;  // the next EPOLLIN edge continues
    } else {
      complete(token, p, socket_failure(last_error(), "reading from", p.target, clock::now() - p.started));
      return;
    }
  }
  const auto took = clock::now() - p.started;
  const std::string t = to_string(p.target);
  if (st == parser::state::done) {
    complete(token, p,
             judge_http_response(p.response.status(), p.response.body(), p.expect_status, p.regex, p.body_sha256,
                                 p.target, took));
    return;
  }
  switch (p.response.why()) {
    case parser::failure::empty: complete(token, p, probe_fail("empty", "empty reply from " + t, took)); return;
    case parser::failure::too_large:
      complete(token, p, probe_fail("body", fmt::format("{} from {}", p.response.reason(), t), took));
      return;
    default:
      complete(
          token, p,
          probe_fail("malformed", fmt::format("malformed HTTP response from {}: {}", t, p.response.reason()), took));
      return;
  }
}

void plain_http_prober::on_deadline(std::uint64_t token) {
  probe* p = slots_.find(token);
  if (p == nullptr) return;
  const std::string limit = format_duration(p->timeout);
  const std::string t = to_string(p->target);
  complete(token, *p,
           probe_fail("timeout",
                      p->connected ? fmt::format("no complete response within {} from {}", limit, t)
                                   : fmt::format("connect timeout after {} to {}", limit, t),
                      clock::now() - p->started));
}

void plain_http_prober::complete(std::uint64_t token, probe& p, probe_result r) {
  auto handler = std::move(p.handler);
  p.handler = nullptr;
  release(token, p);  // the handler may start the next probe in this very slot
  handler(std::move(r));
}

void plain_http_prober::release(std::uint64_t token, probe& p) {
  p.socket.finish(slots_.idle());
  // A slot lives as long as the prober: a large body it held (up to max_body, megabytes from a
  // server that sends too much) goes back now, not with the prober.
  if (p.response.release_memory(retained_buffer_bytes)) give_back_freed_memory();
  slots_.release(token);
}

}  // namespace lbd::healthcheck

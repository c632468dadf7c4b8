// SPDX-License-Identifier: GPL-2.0-or-later
// The least an http check on a new connection costs the checker, to set lbd's figure against in
// the guest comparison: no scheduler, no parser, no timers per check, no results kept. One
// socket per target, reused; a tenth of the targets start every 100 ms. A check is TCP_QUICKACK
// off, connect, the request at once (or on the first EPOLLOUT when the handshake is still under
// way), one recv whose bytes must begin "HTTP/1.1 200", then connect(AF_UNSPEC), which resets
// the connection. A check not answered when its slot comes round again counts as failed.
//
//   healthcheck_floor --connect ADDR:FIRST_PORT --targets K --seconds S
//
// Prints "bench=floor type=http targets=K seconds=S checks=N failures=F cpu_s=C
// cpu_s_per_1000_checks=X"; exit status 1 if a check failed.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "bench_util.hpp"

namespace {

constexpr std::string_view request = "GET / HTTP/1.0\r\nHost: 10.0.0.2\r\nUser-Agent: lbd-floor\r\n\r\n";
constexpr std::string_view expected = "HTTP/1.1 200";
constexpr int batches_per_second = 10;

enum class phase : std::uint8_t { idle, connecting, sent };

struct target {
  int fd = -1;
  sockaddr_in addr{};
  phase at = phase::idle;
};

struct tally {
  std::uint64_t checks = 0;
  std::uint64_t failures = 0;
};

void reset(target& t) {
  sockaddr unspec{};
  unspec.sa_family = AF_UNSPEC;
  connect(t.fd, &unspec, sizeof unspec);
  t.at = phase::idle;
}

bool send_request(target& t) {
  return send(t.fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size());
}

void start(target& t, tally& n) {
  if (t.at != phase::idle) {  // not answered within a second: a failed check
    ++n.checks;
    ++n.failures;
    reset(t);
  }
  const int off = 0;
  setsockopt(t.fd, IPPROTO_TCP, TCP_QUICKACK, &off, sizeof off);
  if (connect(t.fd, reinterpret_cast<const sockaddr*>(&t.addr), sizeof t.addr) != 0 && errno != EINPROGRESS) {
    ++n.checks;
    ++n.failures;
    reset(t);
    return;
  }
  t.at = send_request(t) ? phase::sent : phase::connecting;
}

void on_event(target& t, std::uint32_t events, tally& n) {
  if (t.at == phase::connecting) {
    if ((events & EPOLLOUT) == 0 && (events & (EPOLLERR | EPOLLHUP)) == 0) return;
    if (!send_request(t)) {
      if (errno == EAGAIN) return;  // a stale readiness event from the previous connection
      ++n.checks;
      ++n.failures;
      reset(t);
      return;
    }
    t.at = phase::sent;
  }
  if (t.at != phase::sent) return;
  std::array<char, 512> buf{};
  const ssize_t got = recv(t.fd, buf.data(), buf.size(), 0);
  if (got < 0 && errno == EAGAIN) return;
  ++n.checks;
  if (got < static_cast<ssize_t>(expected.size()) || std::string_view(buf.data(), expected.size()) != expected) {
    ++n.failures;
  }
  reset(t);
}

int usage(const char* argv0) {
  std::fprintf(stderr, "usage: %s --connect ADDR:FIRST_PORT --targets K --seconds S\n", argv0);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string connect_to;
  int targets = 0;
  int seconds = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view k = argv[i];
    if (k == "--connect") {
      connect_to = argv[i + 1];
    } else if (k == "--targets") {
      targets = std::atoi(argv[i + 1]);
    } else if (k == "--seconds") {
      seconds = std::atoi(argv[i + 1]);
    } else {
      return usage(argv[0]);
    }
  }
  const auto colon = connect_to.rfind(':');
  in_addr first{};
  if (argc % 2 == 0 || colon == std::string::npos || targets <= 0 || seconds <= 0 ||
      inet_pton(AF_INET, connect_to.substr(0, colon).c_str(), &first) != 1) {
    return usage(argv[0]);
  }
  const int first_port = std::atoi(connect_to.c_str() + colon + 1);
  if (first_port <= 0 || first_port + targets > 65536) return usage(argv[0]);

  const int ep = epoll_create1(EPOLL_CLOEXEC);
  const int timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (ep < 0 || timer < 0) {
    std::perror("epoll/timerfd");
    return 1;
  }
  // The timer's token is one past the last target.
  epoll_event tev{EPOLLIN, {.u64 = static_cast<std::uint64_t>(targets)}};
  epoll_ctl(ep, EPOLL_CTL_ADD, timer, &tev);
  std::vector<target> all(static_cast<std::size_t>(targets));
  for (std::size_t i = 0; i < all.size(); ++i) {
    target& t = all[i];
    t.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (t.fd < 0) {
      std::perror("socket");
      return 1;
    }
    t.addr.sin_family = AF_INET;
    t.addr.sin_addr = first;
    t.addr.sin_port = htons(static_cast<std::uint16_t>(first_port + static_cast<int>(i)));
    epoll_event ev{EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, {.u64 = i}};
    epoll_ctl(ep, EPOLL_CTL_ADD, t.fd, &ev);
  }
  const long period_ns = 1'000'000'000L / batches_per_second;
  itimerspec every{{0, period_ns}, {0, period_ns}};
  timerfd_settime(timer, 0, &every, nullptr);

  const std::size_t per_batch = (all.size() + batches_per_second - 1) / batches_per_second;
  const long total_batches = static_cast<long>(seconds) * batches_per_second;
  tally n;
  std::size_t next = 0;
  const double cpu0 = lbd::bench::cpu_seconds();
  std::array<epoll_event, 256> events{};
  for (long batch = 0; batch <= total_batches;) {
    const int got = epoll_wait(ep, events.data(), static_cast<int>(events.size()), -1);
    for (int e = 0; e < got; ++e) {
      const std::uint64_t token = events[static_cast<std::size_t>(e)].data.u64;
      if (token < all.size()) {
        on_event(all[token], events[static_cast<std::size_t>(e)].events, n);
        continue;
      }
      std::uint64_t expirations = 0;
      if (read(timer, &expirations, sizeof expirations) != sizeof expirations) continue;
      ++batch;
      if (batch > total_batches) break;  // the last period only lets answers arrive
      for (std::size_t k = 0; k < per_batch; ++k, next = (next + 1) % all.size()) start(all[next], n);
    }
  }
  const double cpu = lbd::bench::cpu_seconds() - cpu0;
  std::printf(
      "bench=floor type=http targets=%d seconds=%d checks=%llu failures=%llu cpu_s=%.3f "
      "cpu_s_per_1000_checks=%.4f\n",
      targets, seconds, static_cast<unsigned long long>(n.checks), static_cast<unsigned long long>(n.failures), cpu,
      n.checks > 0 ? cpu / static_cast<double>(n.checks) * 1000 : 0.0);
  return n.failures == 0 && n.checks > 0 ? 0 : 1;
}

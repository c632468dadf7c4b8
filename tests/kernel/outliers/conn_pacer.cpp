// SPDX-License-Identifier: GPL-2.0-or-later
// conn_pacer: the traffic of the outlier detection test (the guest's busybox has neither).
//   conn_pacer client ADDRESS:PORT RATE SECONDS
//     opens RATE new TCP connections per second for SECONDS, each reset as soon as it is
//     connected (no TIME_WAIT: 600 s at 100 a second would use up the ephemeral ports); one not
//     connected within a second is given up. Prints, when done,
//     "opened N answered A unanswered U refused R".
//   conn_pacer serve ADDRESS FIRST_PORT COUNT
//     listens on COUNT ports from FIRST_PORT, accepting and closing every connection in one
//     process (a forking server such as busybox httpd cannot take 100 connections a second in a
//     one-CPU TCG guest, and would look like the black hole the test is about).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>

namespace {

using clock_type = std::chrono::steady_clock;

sockaddr_in address_of(const std::string& host, unsigned port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::inet_pton(AF_INET, host.c_str(), &sa.sin_addr) != 1) {
    std::fprintf(stderr, "conn_pacer: bad address %s\n", host.c_str());
    std::exit(2);
  }
  return sa;
}

int serve(const std::string& host, unsigned first, unsigned count) {
  const int ep = ::epoll_create1(EPOLL_CLOEXEC);
  for (unsigned p = first; p < first + count; ++p) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    const auto sa = address_of(host, p);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0 || ::listen(fd, 1024) != 0) {
      std::fprintf(stderr, "conn_pacer: %s:%u: %s\n", host.c_str(), p, std::strerror(errno));
      return 1;
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  }
  std::array<epoll_event, 64> events{};
  for (;;) {
    const int n = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), -1);
    for (int i = 0; i < n; ++i) {
      for (;;) {
        const int c = ::accept4(events[static_cast<std::size_t>(i)].data.fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) break;
        ::close(c);
      }
    }
  }
}

int client(const std::string& target, unsigned rate, unsigned seconds) {
  const auto colon = target.rfind(':');
  const auto sa = address_of(target.substr(0, colon), static_cast<unsigned>(std::stoul(target.substr(colon + 1))));
  const int ep = ::epoll_create1(EPOLL_CLOEXEC);
  std::map<int, clock_type::time_point> pending;  // socket -> when it was opened
  unsigned opened = 0, answered = 0, unanswered = 0, refused = 0;
  const auto start = clock_type::now();
  const auto end = start + std::chrono::seconds(seconds);
  const auto gap = std::chrono::microseconds(1000000 / rate);
  auto next = start;
  std::array<epoll_event, 64> events{};
  while (clock_type::now() < end || !pending.empty()) {
    auto now = clock_type::now();
    while (now < end && next <= now) {
      const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      ++opened;
      next += gap;
      if (fd < 0) {
        ++refused;
        continue;
      }
      if (::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0 && errno != EINPROGRESS) {
        ++refused;
        ::close(fd);
        continue;
      }
      epoll_event ev{};
      ev.events = EPOLLOUT;
      ev.data.fd = fd;
      ::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
      pending[fd] = now;
    }
    const int n = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), 5);
    for (int i = 0; i < n; ++i) {
      const int fd = events[static_cast<std::size_t>(i)].data.fd;
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      ++(err == 0 ? answered : refused);
      const linger reset{1, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
      ::close(fd);
      pending.erase(fd);
    }
    now = clock_type::now();
    for (auto it = pending.begin(); it != pending.end();) {
      if (now - it->second < std::chrono::seconds(1)) {
        ++it;
        continue;
      }
      ++unanswered;
      ::close(it->first);
      it = pending.erase(it);
    }
  }
  std::printf("opened %u answered %u unanswered %u refused %u\n", opened, answered, unanswered, refused);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "serve" && argc == 5) {
    return serve(argv[2], static_cast<unsigned>(std::atoi(argv[3])), static_cast<unsigned>(std::atoi(argv[4])));
  }
  if (mode == "client" && argc == 5) {
    return client(argv[2], static_cast<unsigned>(std::atoi(argv[3])), static_cast<unsigned>(std::atoi(argv[4])));
  }
  std::fprintf(stderr, "usage: conn_pacer client ADDRESS:PORT RATE SECONDS | serve ADDRESS FIRST_PORT COUNT\n");
  return 2;
}

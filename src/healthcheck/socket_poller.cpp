// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/socket_poller.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <memory>

namespace lbd::healthcheck {

namespace asio = boost::asio;

namespace {

int make_epoll() {
  const int fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) std::abort();
  return fd;
}

}  // namespace

socket_poller::socket_poller(const asio::any_io_executor& ex, event_handler on_event)
    : epoll_(ex, make_epoll()), on_event_(std::move(on_event)) {
  wait();
}

socket_poller::~socket_poller() {
  boost::system::error_code ignored;
  epoll_.close(ignored);
}

int socket_poller::add(int fd, std::uint64_t token) {
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.u64 = token;
  if (::epoll_ctl(epoll_.native_handle(), EPOLL_CTL_ADD, fd, &ev) != 0) return errno;
  return 0;
}

void socket_poller::wait() {
  // The closed descriptor cancels the wait with an error: the handler never touches `this` then.
  epoll_.async_wait(asio::posix::stream_descriptor::wait_read, [this](const boost::system::error_code& ec) {
    if (ec) return;
    // Queue the next wait before draining: a socket that becomes ready while its handler runs is
    // then reported by a new edge, or found by the drain below; never lost.
    wait();
    drain();
  });
}

void socket_poller::drain() {
  constexpr int batch = 64;
  std::array<epoll_event, batch> events{};
  for (;;) {
    const int n = ::epoll_wait(epoll_.native_handle(), events.data(), batch, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    for (int i = 0; i < n; ++i) {
      const auto& e = events[static_cast<std::size_t>(i)];
      on_event_(e.data.u64, e.events);
    }
    if (n < batch) return;
  }
}

}  // namespace lbd::healthcheck

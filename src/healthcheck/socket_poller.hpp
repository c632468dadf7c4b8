// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Readiness of many short-lived probe sockets through one epoll instance of the prober's own,
// itself watched by Asio (a stream_descriptor on the epoll descriptor, so the io_context still
// drives everything, on its one thread).
//
// Why not one Asio socket per probe: Asio adds every socket to its reactor (epoll_ctl ADD), adds
// writability for a connect (MOD), removes it before closing (DEL), switches it to non-blocking
// with an ioctl and confirms a connect with poll + getsockopt: twice the system calls of the probe
// itself, and system calls are most of a check's cost. Here a socket is created non-blocking,
// added once (edge-triggered, in + out + hang-up) and kept for many probes (reusable_socket),
// leaves the set by being closed, and the events of many probes come back from one epoll_wait.
//
// Each watched socket carries a 64-bit token chosen by the owner (the index of its probe slot),
// handed back with its events.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <cstdint>
#include <functional>

namespace lbd::healthcheck {

class socket_poller {
 public:
  // Called with the token and the epoll events (EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP, EPOLLRDHUP).
  using event_handler = std::function<void(std::uint64_t token, std::uint32_t events)>;

  // Aborts when no epoll instance can be created (out of descriptors at start-up).
  socket_poller(const boost::asio::any_io_executor& ex, event_handler on_event);
  socket_poller(const socket_poller&) = delete;
  socket_poller& operator=(const socket_poller&) = delete;
  ~socket_poller();

  // Watches `fd` until it is closed. Returns 0 or the errno of epoll_ctl.
  int add(int fd, std::uint64_t token);

 private:
  void wait();
  void drain();

  boost::asio::posix::stream_descriptor epoll_;
  event_handler on_event_;
};

}  // namespace lbd::healthcheck

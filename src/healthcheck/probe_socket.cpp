// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/probe_socket.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include <cerrno>

#include "healthcheck/socket_poller.hpp"

namespace lbd::healthcheck {

int reusable_socket::connect(const endpoint& target, socket_poller& poller, std::uint64_t token, handshake_ack ack,
                             const probe_route* route) {
  const boost::asio::ip::tcp::endpoint ep(target.address, target.port);
  const int family = ep.protocol().family();
  if (fd_ >= 0 && (family_ != family || routed_ || route != nullptr)) close();
  if (fd_ < 0) {
    const int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return errno;
    if (const int err = poller.add(fd, token); err != 0) {
      ::close(fd);
      return err;
    }
    fd_ = fd;
    family_ = family;
    routed_ = route != nullptr;
    if (route != nullptr) {
      if (const int err = apply_route(fd_, *route); err != 0) {
        close();
        return err;
      }
    }
  }
  if (ack == handshake_ack::delayed) {
    // Set for each connect: the reset that ended the last probe cleared it.
    const int off = 0;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_QUICKACK, &off, sizeof(off));
  }
  if (::connect(fd_, ep.data(), static_cast<socklen_t>(ep.size())) != 0 && errno != EINPROGRESS) return errno;
  return 0;
}

connect_progress reusable_socket::connect_outcome(std::uint32_t epoll_events, boost::system::error_code& ec) const {
  const auto progress = connect_event(epoll_events);
  if (progress != connect_progress::failed) return progress;
  ec = socket_error(fd_, 0);
  boost::asio::ip::tcp::endpoint peer;
  auto len = static_cast<socklen_t>(peer.capacity());
  const bool has_peer = !ec && ::getpeername(fd_, peer.data(), &len) == 0;
  return reused_connect_event(epoll_events, ec.value(), has_peer);
}

void reusable_socket::finish(std::size_t idle_slots) {
  if (idle_slots < kept_idle_sockets && !routed_) {
    reset();
  } else {
    close();  // a burst of slow probes is over: do not hold its sockets
  }
}

void reusable_socket::reset() {
  if (fd_ < 0) return;
  sockaddr unspec{};
  unspec.sa_family = AF_UNSPEC;
  ::connect(fd_, &unspec, sizeof(unspec));
}

void reusable_socket::close() {
  if (fd_ < 0) return;
  const linger l{1, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
  ::close(fd_);
  fd_ = -1;
  routed_ = false;
}

int apply_route(int fd, const probe_route& route) {
  const int mark = static_cast<int>(route.fwmark);
  if (::setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) != 0) return errno;
  // The source the kernel picks for the real server's own address: a connected UDP socket sends
  // nothing, it only looks the route up. Connecting to the VIP instead would pick the VIP itself on
  // the master (a local route), and the real server's reply from the VIP would never leave it.
  const boost::asio::ip::udp::endpoint towards(route.via, 9);
  const int probe = ::socket(towards.protocol().family(), SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (probe < 0) return errno;
  boost::asio::ip::udp::endpoint source;
  socklen_t len = static_cast<socklen_t>(source.capacity());
  int err = 0;
  if (::connect(probe, towards.data(), static_cast<socklen_t>(towards.size())) != 0 ||
      ::getsockname(probe, source.data(), &len) != 0) {
    err = errno;
  }
  ::close(probe);
  if (err != 0) return err;
  source.resize(len);
  source.port(0);
  if (::bind(fd, source.data(), static_cast<socklen_t>(source.size())) != 0) return errno;
  return 0;
}

boost::system::error_code socket_error(int fd, int fallback) {
  int err = 0;
  socklen_t len = sizeof(err);
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  return {err != 0 ? err : fallback, boost::system::system_category()};
}

connect_progress connect_event(std::uint32_t epoll_events) {
  if ((epoll_events & EPOLLERR) != 0 || ((epoll_events & EPOLLHUP) != 0 && (epoll_events & EPOLLOUT) == 0)) {
    return connect_progress::failed;
  }
  return (epoll_events & EPOLLOUT) != 0 ? connect_progress::connected : connect_progress::in_progress;
}

connect_progress reused_connect_event(std::uint32_t epoll_events, int pending_error, bool has_peer) {
  const auto progress = connect_event(epoll_events);
  if (progress != connect_progress::failed) return progress;
  if (pending_error != 0) return connect_progress::failed;
  return has_peer ? connect_progress::connected : connect_progress::in_progress;
}

}  // namespace lbd::healthcheck

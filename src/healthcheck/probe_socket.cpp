#include "healthcheck/probe_socket.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <boost/asio/ip/tcp.hpp>

#include <cerrno>

namespace lbd::healthcheck {

int open_connecting_socket(const endpoint& target, boost::system::error_code& ec) {
  const boost::asio::ip::tcp::endpoint ep(target.address, target.port);
  const int fd = ::socket(ep.protocol().family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    ec.assign(errno, boost::system::system_category());
    return -1;
  }
  if (::connect(fd, ep.data(), static_cast<socklen_t>(ep.size())) != 0 && errno != EINPROGRESS) {
    ec.assign(errno, boost::system::system_category());
    ::close(fd);
    return -1;
  }
  ec.clear();
  return fd;
}

boost::system::error_code socket_error(int fd, int fallback) {
  int err = 0;
  socklen_t len = sizeof(err);
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  return {err != 0 ? err : fallback, boost::system::system_category()};
}

void close_with_reset(int fd) {
  const linger l{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
  ::close(fd);
}

connect_progress connect_event(std::uint32_t epoll_events) {
  if ((epoll_events & EPOLLERR) != 0 || ((epoll_events & EPOLLHUP) != 0 && (epoll_events & EPOLLOUT) == 0)) {
    return connect_progress::failed;
  }
  return (epoll_events & EPOLLOUT) != 0 ? connect_progress::connected : connect_progress::in_progress;
}

}  // namespace lbd::healthcheck

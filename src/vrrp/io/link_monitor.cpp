// SPDX-License-Identifier: GPL-2.0-or-later
#include "vrrp/io/link_monitor.hpp"

#include <fmt/format.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace lbd::vrrp::io {

std::vector<link_event> parse_link_messages(std::span<const std::byte> datagram) {
  std::vector<link_event> out;
  std::size_t at = 0;
  while (datagram.size() - at >= sizeof(nlmsghdr)) {
    nlmsghdr h{};
    std::memcpy(&h, datagram.data() + at, sizeof(h));
    if (h.nlmsg_len < sizeof(nlmsghdr) || h.nlmsg_len > datagram.size() - at) break;
    const auto msg = datagram.subspan(at, h.nlmsg_len);
    at += NLMSG_ALIGN(h.nlmsg_len);
    if ((h.nlmsg_type != RTM_NEWLINK && h.nlmsg_type != RTM_DELLINK) || msg.size() < NLMSG_LENGTH(sizeof(ifinfomsg))) {
      if (at > datagram.size()) break;
      continue;
    }
    ifinfomsg ifi{};
    std::memcpy(&ifi, msg.data() + NLMSG_HDRLEN, sizeof(ifi));
    link_event e;
    e.ifindex = static_cast<unsigned>(ifi.ifi_index);
    e.up = h.nlmsg_type == RTM_NEWLINK && (ifi.ifi_flags & IFF_UP) != 0 && (ifi.ifi_flags & IFF_RUNNING) != 0;
    std::size_t a = NLMSG_LENGTH(sizeof(ifinfomsg));
    a = NLMSG_ALIGN(a);
    while (a + sizeof(rtattr) <= msg.size()) {
      rtattr ra{};
      std::memcpy(&ra, msg.data() + a, sizeof(ra));
      if (ra.rta_len < sizeof(rtattr) || a + ra.rta_len > msg.size()) break;
      if (ra.rta_type == IFLA_IFNAME) {
        const auto* p = reinterpret_cast<const char*>(msg.data() + a + RTA_LENGTH(0));
        const std::size_t n = ra.rta_len - RTA_LENGTH(0);
        e.name.assign(p, strnlen(p, n));
      }
      a += RTA_ALIGN(ra.rta_len);
    }
    out.push_back(std::move(e));
    if (at > datagram.size()) break;
  }
  return out;
}

std::optional<bool> link_is_up(const std::string& interface) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, interface.c_str(), IFNAMSIZ - 1);
  const int rc = ::ioctl(fd, SIOCGIFFLAGS, &ifr);
  ::close(fd);
  if (rc != 0) return std::nullopt;
  return (ifr.ifr_flags & IFF_UP) != 0 && (ifr.ifr_flags & IFF_RUNNING) != 0;
}

link_monitor::link_monitor(boost::asio::io_context& io, handler h, std::function<void()> on_overrun)
    : fd_(io), handler_(std::move(h)), on_overrun_(std::move(on_overrun)) {}

result<std::unique_ptr<link_monitor>, std::string> link_monitor::open(boost::asio::io_context& io, handler h,
                                                                      std::function<void()> on_overrun) {
  const int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
  if (fd < 0) return unexpected(fmt::format("netlink socket: {}", std::strerror(errno)));
  sockaddr_nl sa{};
  sa.nl_family = AF_NETLINK;
  sa.nl_groups = RTMGRP_LINK;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) {
    const int e = errno;
    ::close(fd);
    return unexpected(fmt::format("netlink bind: {}", std::strerror(e)));
  }
  std::unique_ptr<link_monitor> m(new link_monitor(io, std::move(h), std::move(on_overrun)));
  m->fd_.assign(fd);
  m->wait();
  return m;
}

void link_monitor::close() {
  boost::system::error_code ignored;
  fd_.close(ignored);
}

void link_monitor::wait() {
  fd_.async_wait(boost::asio::posix::descriptor_base::wait_read,
                 [this, alive = std::weak_ptr<bool>(alive_)](boost::system::error_code ec) {
                   if (ec || alive.expired()) return;  // closed; an overrun (ENOBUFS) surfaces in recv below
                   for (;;) {
                     const ssize_t n = ::recv(fd_.native_handle(), buffer_.data(), buffer_.size(), MSG_DONTWAIT);
                     if (n < 0) {
                       if (errno == EINTR) continue;
                       if (errno == ENOBUFS) {
                         if (on_overrun_) on_overrun_();
                         continue;
                       }
                       break;
                     }
                     for (const auto& e : parse_link_messages(std::span(buffer_.data(), static_cast<std::size_t>(n))))
                       handler_(e);
                   }
                   wait();
                 });
}

}  // namespace lbd::vrrp::io

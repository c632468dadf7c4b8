// SPDX-License-Identifier: GPL-2.0-or-later
#include "vrrp/io/vrrp_socket.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "common/errno_code.hpp"

namespace lbd::vrrp::io {
namespace {

using boost::system::error_code;

template <class T>
bool set_option(int fd, int level, int name, const T& value) {
  return ::setsockopt(fd, level, name, &value, sizeof(value)) == 0;
}

std::string errno_text(const char* what) { return fmt::format("{}: {}", what, std::strerror(errno)); }

}  // namespace

std::string_view to_string(rx_drop d) {
  switch (d) {
    case rx_drop::bad_ip_header: return "bad_ip_header";
    case rx_drop::missing_control: return "missing_control";
  }
  return "unknown";
}

vrrp_socket::vrrp_socket(boost::asio::io_context& io, socket_config c, unsigned ifindex)
    : socket_(io), config_(std::move(c)), ifindex_(ifindex) {}

result<std::unique_ptr<vrrp_socket>, std::string> vrrp_socket::open(boost::asio::io_context& io,
                                                                    const socket_config& c) {
  const unsigned ifindex = ::if_nametoindex(c.interface.c_str());
  if (ifindex == 0) return unexpected(fmt::format("interface '{}': {}", c.interface, std::strerror(errno)));
  std::unique_ptr<vrrp_socket> s(new vrrp_socket(io, c, ifindex));
  const bool v4 = c.source.is_v4();
  const int domain = v4 ? AF_INET : AF_INET6;
  error_code ec;
  s->socket_.open(boost::asio::generic::raw_protocol(domain, ip_protocol_vrrp), ec);
  if (ec) return unexpected(fmt::format("raw socket for VRRP: {}", ec.message()));
  const int fd = s->socket_.native_handle();
  if (::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, c.interface.c_str(), static_cast<socklen_t>(c.interface.size())) !=
      0) {
    return unexpected(errno_text("SO_BINDTODEVICE"));
  }
  const int hops = required_ttl;
  const int off = 0;
  const int on = 1;
  if (v4) {
    if (!set_option(fd, IPPROTO_IP, IP_TTL, hops)) return unexpected(errno_text("IP_TTL"));
    if (!set_option(fd, IPPROTO_IP, IP_MULTICAST_TTL, hops)) return unexpected(errno_text("IP_MULTICAST_TTL"));
    if (!set_option(fd, IPPROTO_IP, IP_MULTICAST_LOOP, off)) return unexpected(errno_text("IP_MULTICAST_LOOP"));
    ip_mreqn m{};
    m.imr_ifindex = static_cast<int>(ifindex);
    if (!set_option(fd, IPPROTO_IP, IP_MULTICAST_IF, m)) return unexpected(errno_text("IP_MULTICAST_IF"));
    if (c.multicast) {
      m.imr_multiaddr.s_addr = htonl(multicast_v4.to_v4().to_uint());
      if (!set_option(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, m)) return unexpected(errno_text("IP_ADD_MEMBERSHIP"));
    }
  } else {
    if (!set_option(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, hops)) return unexpected(errno_text("IPV6_UNICAST_HOPS"));
    if (!set_option(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, hops)) {
      return unexpected(errno_text("IPV6_MULTICAST_HOPS"));
    }
    if (!set_option(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, off)) return unexpected(errno_text("IPV6_MULTICAST_LOOP"));
    const int idx = static_cast<int>(ifindex);
    if (!set_option(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, idx)) return unexpected(errno_text("IPV6_MULTICAST_IF"));
    if (!set_option(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, on)) return unexpected(errno_text("IPV6_RECVHOPLIMIT"));
    if (!set_option(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, on)) return unexpected(errno_text("IPV6_RECVPKTINFO"));
    if (c.multicast) {
      ipv6_mreq m{};
      auto g = multicast_v6.to_v6().to_bytes();
      std::memcpy(&m.ipv6mr_multiaddr, g.data(), g.size());
      m.ipv6mr_interface = ifindex;
      if (!set_option(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, m)) return unexpected(errno_text("IPV6_JOIN_GROUP"));
    }
  }
  s->socket_.non_blocking(true, ec);
  if (ec) return unexpected(fmt::format("non-blocking: {}", ec.message()));
  return s;
}

void vrrp_socket::start(packet_handler on_packet, drop_handler on_drop,
                        std::function<void(boost::system::error_code)> on_error) {
  on_packet_ = std::move(on_packet);
  on_drop_ = std::move(on_drop);
  on_error_ = std::move(on_error);
  wait();
}

void vrrp_socket::close() {
  error_code ignored;
  socket_.close(ignored);
}

void vrrp_socket::wait() {
  socket_.async_wait(boost::asio::socket_base::wait_read, [this, alive = std::weak_ptr<bool>(alive_)](error_code ec) {
    if (ec == boost::asio::error::operation_aborted || alive.expired()) return;
    if (ec) {
      on_error_(ec);
      return;
    }
    drain();
  });
}

void vrrp_socket::drain() {
  const int fd = socket_.native_handle();
  for (;;) {
    sockaddr_storage from{};
    alignas(cmsghdr) std::array<std::byte, 256> control{};
    iovec iov{buffer_.data(), buffer_.size()};
    msghdr msg{};
    msg.msg_name = &from;
    msg.msg_namelen = sizeof(from);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.data();
    msg.msg_controllen = control.size();
    const ssize_t n = ::recvmsg(fd, &msg, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) break;
      on_error_(last_error());
      return;
    }
    const auto bytes = std::span<const std::byte>(buffer_.data(), static_cast<std::size_t>(n));
    received r;
    if (config_.source.is_v4()) {
      // IPv4 raw sockets deliver the IP header: TTL and addresses come from it.
      if (bytes.size() < 20 || (std::to_integer<unsigned>(bytes[0]) >> 4U) != 4) {
        on_drop_(rx_drop::bad_ip_header);
        continue;
      }
      const std::size_t ihl = (std::to_integer<std::size_t>(bytes[0]) & 0x0fU) * 4;
      const std::size_t total = (std::to_integer<std::size_t>(bytes[2]) << 8U) | std::to_integer<std::size_t>(bytes[3]);
      if (ihl < 20 || ihl > bytes.size() || total < ihl || total > bytes.size()) {
        on_drop_(rx_drop::bad_ip_header);
        continue;
      }
      r.ttl = std::to_integer<std::uint8_t>(bytes[8]);
      boost::asio::ip::address_v4::bytes_type s{};
      boost::asio::ip::address_v4::bytes_type d{};
      std::memcpy(s.data(), bytes.data() + 12, 4);
      std::memcpy(d.data(), bytes.data() + 16, 4);
      r.source = boost::asio::ip::address_v4(s);
      r.destination = boost::asio::ip::address_v4(d);
      r.payload = bytes.subspan(ihl, total - ihl);
    } else {
      bool have_hops = false;
      bool have_dst = false;
      for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != IPPROTO_IPV6) continue;
        if (c->cmsg_type == IPV6_HOPLIMIT) {
          int h = 0;
          std::memcpy(&h, CMSG_DATA(c), sizeof(h));
          r.ttl = static_cast<std::uint8_t>(h);
          have_hops = true;
        } else if (c->cmsg_type == IPV6_PKTINFO) {
          in6_pktinfo info{};
          std::memcpy(&info, CMSG_DATA(c), sizeof(info));
          boost::asio::ip::address_v6::bytes_type d{};
          std::memcpy(d.data(), &info.ipi6_addr, d.size());
          r.destination = boost::asio::ip::address_v6(d);
          have_dst = true;
        }
      }
      if (!have_hops || !have_dst || from.ss_family != AF_INET6) {
        on_drop_(rx_drop::missing_control);
        continue;
      }
      sockaddr_in6 sin6{};
      std::memcpy(&sin6, &from, sizeof(sin6));
      boost::asio::ip::address_v6::bytes_type s{};
      std::memcpy(s.data(), &sin6.sin6_addr, s.size());
      r.source = boost::asio::ip::address_v6(s);  // without scope: compared with configured peers
      r.payload = bytes;
    }
    on_packet_(r);
  }
  wait();
}

error_code vrrp_socket::send(std::span<const std::byte> message, const ip_address& destination) {
  const int fd = socket_.native_handle();
  iovec iov{const_cast<std::byte*>(message.data()), message.size()};  // NOLINT: sendmsg does not write
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  sockaddr_storage to{};
  alignas(cmsghdr) std::array<std::byte, CMSG_SPACE(sizeof(in6_pktinfo))> control{};
  msg.msg_control = control.data();
  if (destination.is_v4()) {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(destination.to_v4().to_uint());
    std::memcpy(&to, &sin, sizeof(sin));
    msg.msg_namelen = sizeof(sin);
    msg.msg_controllen = CMSG_SPACE(sizeof(in_pktinfo));
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = IPPROTO_IP;
    c->cmsg_type = IP_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
    in_pktinfo info{};
    info.ipi_ifindex = static_cast<int>(ifindex_);
    info.ipi_spec_dst.s_addr = htonl(config_.source.to_v4().to_uint());
    std::memcpy(CMSG_DATA(c), &info, sizeof(info));
  } else {
    sockaddr_in6 sin6{};
    sin6.sin6_family = AF_INET6;
    auto d = destination.to_v6().to_bytes();
    std::memcpy(&sin6.sin6_addr, d.data(), d.size());
    sin6.sin6_scope_id = ifindex_;
    std::memcpy(&to, &sin6, sizeof(sin6));
    msg.msg_namelen = sizeof(sin6);
    msg.msg_controllen = CMSG_SPACE(sizeof(in6_pktinfo));
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = IPPROTO_IPV6;
    c->cmsg_type = IPV6_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof(in6_pktinfo));
    in6_pktinfo info{};
    info.ipi6_ifindex = ifindex_;
    auto s = config_.source.to_v6().to_bytes();
    std::memcpy(&info.ipi6_addr, s.data(), s.size());
    std::memcpy(CMSG_DATA(c), &info, sizeof(info));
  }
  msg.msg_name = &to;
  if (::sendmsg(fd, &msg, MSG_DONTWAIT) < 0) return last_error();
  return {};
}

}  // namespace lbd::vrrp::io

// SPDX-License-Identifier: GPL-2.0-or-later
#include "vrrp/io/announcer.hpp"

#include <fmt/format.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "common/errno_code.hpp"
#include "common/sysctl.hpp"

namespace lbd::vrrp::io {
namespace {

using boost::system::error_code;

bool forwards_ipv6(const std::string& interface) {
  const auto v = read_sysctl("net/ipv6/conf/" + interface + "/forwarding");
  return v && *v != "0";
}

}  // namespace

announcer::announcer(boost::asio::io_context& io, std::string interface, unsigned ifindex, mac_address mac, report r)
    : timer_(io), interface_(std::move(interface)), ifindex_(ifindex), mac_(mac), on_sent_(std::move(r)) {}

announcer::~announcer() {
  if (packet_fd_ >= 0) ::close(packet_fd_);
  if (icmp6_fd_ >= 0) ::close(icmp6_fd_);
}

result<std::unique_ptr<announcer>, std::string> announcer::open(boost::asio::io_context& io,
                                                                const std::string& interface, report on_sent) {
  const unsigned ifindex = ::if_nametoindex(interface.c_str());
  if (ifindex == 0) return unexpected(fmt::format("interface '{}': {}", interface, std::strerror(errno)));
  // Protocol 0: send only. With ETH_P_ARP it would also queue every ARP frame of every interface,
  // never read.
  const int pfd = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (pfd < 0) return unexpected(fmt::format("AF_PACKET socket: {}", std::strerror(errno)));
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, interface.c_str(), IFNAMSIZ - 1);
  if (::ioctl(pfd, SIOCGIFHWADDR, &ifr) != 0) {
    const int e = errno;
    ::close(pfd);
    return unexpected(fmt::format("{}: link-layer address: {}", interface, std::strerror(e)));
  }
  mac_address mac{};
  std::memcpy(mac.data(), ifr.ifr_hwaddr.sa_data, mac.size());
  std::unique_ptr<announcer> a(new announcer(io, interface, ifindex, mac, std::move(on_sent)));
  a->packet_fd_ = pfd;
  const int ifd = ::socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMPV6);
  if (ifd < 0) return unexpected(fmt::format("ICMPv6 socket: {}", std::strerror(errno)));
  a->icmp6_fd_ = ifd;
  const int hops = 255;
  const int idx = static_cast<int>(ifindex);
  if (::setsockopt(ifd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) != 0 ||
      ::setsockopt(ifd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof(idx)) != 0) {
    return unexpected(fmt::format("ICMPv6 socket options: {}", std::strerror(errno)));
  }
  return a;
}

void announcer::announce(const act::send_garp& what) {
  vips_ = what.vips;
  repeat_ = what.repeat;
  interval_ = what.interval;
  refresh_ = what.refresh;
  second_burst_ = what.second_burst;
  left_in_burst_ = repeat_;
  timer_.cancel();
  tick();
}

void announcer::stop() {
  vips_.clear();
  left_in_burst_ = 0;
  timer_.cancel();
}

void announcer::tick() {
  if (vips_.empty()) return;
  if (left_in_burst_ > 0) {
    send_all();
    --left_in_burst_;
    if (left_in_burst_ > 0) {
      schedule(interval_);
      return;
    }
  }
  if (second_burst_.count() > 0 && repeat_ > 0) {
    left_in_burst_ = repeat_;
    schedule(std::exchange(second_burst_, std::chrono::nanoseconds::zero()));
  } else if (refresh_.count() > 0) {
    left_in_burst_ = repeat_;
    schedule(refresh_);
  }
}

void announcer::schedule(std::chrono::nanoseconds after) {
  timer_.expires_after(after);
  timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](error_code ec) {
    if (!ec && !alive.expired()) tick();
  });
}

void announcer::send_all() {
  const bool router = forwards_ipv6(interface_);
  for (const auto& vip : vips_) {
    error_code ec;
    if (vip.address.is_v4()) {
      auto frame = build_gratuitous_arp(mac_, vip.address.to_v4());
      sockaddr_ll ll{};
      ll.sll_family = AF_PACKET;
      ll.sll_protocol = htons(ETH_P_ARP);
      ll.sll_ifindex = static_cast<int>(ifindex_);
      ll.sll_halen = 6;
      std::memset(ll.sll_addr, 0xff, 6);
      if (::sendto(packet_fd_, frame.data(), frame.size(), 0, reinterpret_cast<sockaddr*>(&ll), sizeof(ll)) < 0) {
        ec = last_error();
      }
    } else {
      auto msg = build_unsolicited_na(mac_, vip.address.to_v6(), router);
      sockaddr_in6 to{};
      to.sin6_family = AF_INET6;
      to.sin6_addr.s6_addr[0] = 0xff;
      to.sin6_addr.s6_addr[1] = 0x02;
      to.sin6_addr.s6_addr[15] = 0x01;  // ff02::1, all nodes
      to.sin6_scope_id = ifindex_;
      if (::sendto(icmp6_fd_, msg.data(), msg.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof(to)) < 0) {
        ec = last_error();
      }
    }
    if (on_sent_) on_sent_(vip, ec);
  }
}

}  // namespace lbd::vrrp::io

// SPDX-License-Identifier: GPL-2.0-or-later
// vip_prober TARGET IFNAME [INTERVAL_US]: ICMP echo requests to TARGET (IPv4) every INTERVAL_US
// microseconds (default 1000), from the namespace it runs in, until SIGTERM/SIGINT. Every echo reply
// and every VRRP advert heard is printed as it arrives, one line each:
//   RECV_MONOTONIC_NS SEQ SOURCE_MAC     (echo reply)
//   RECV_MONOTONIC_NS A SOURCE_MAC PRIO  (VRRP advert)
// The source MAC (read through a packet socket on IFNAME) tells which director answered, so the
// benchmark sees the first reply from the new master even while the old one still answers; the
// adverts let it pull a cable right after the master spoke.
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/icmp.h>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace {

constexpr std::uint8_t vrrp_protocol = 112;
volatile std::sig_atomic_t stop_requested = 0;
void on_signal(int /*sig*/) { stop_requested = 1; }

std::int64_t now_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

std::uint16_t checksum(const unsigned char* p, std::size_t n) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < n; i += 2) sum += static_cast<std::uint32_t>((p[i] << 8) | p[i + 1]);
  if (n % 2 != 0) sum += static_cast<std::uint32_t>(p[n - 1] << 8);
  while ((sum >> 16) != 0) sum = (sum & 0xffffU) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffffU);
}

int fail(const char* what) {
  std::fprintf(stderr, "vip_prober: %s: %s\n", what, std::strerror(errno));
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: vip_prober TARGET IFNAME [INTERVAL_US]\n");
    return 2;
  }
  in_addr target{};
  if (::inet_pton(AF_INET, argv[1], &target) != 1) {
    std::fprintf(stderr, "vip_prober: %s is not an IPv4 address\n", argv[1]);
    return 2;
  }
  const unsigned ifindex = ::if_nametoindex(argv[2]);
  if (ifindex == 0) return fail(argv[2]);
  const std::int64_t interval = (argc > 3 ? std::atoll(argv[3]) : 1000) * 1000;

  const int tx = ::socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
  if (tx < 0) return fail("raw ICMP socket");
  icmp_filter none{~0U};  // replies are read on the packet socket only
  ::setsockopt(tx, SOL_RAW, ICMP_FILTER, &none, sizeof none);
  const int rx = ::socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
  if (rx < 0) return fail("packet socket");
  sockaddr_ll ll{};
  ll.sll_family = AF_PACKET;
  ll.sll_protocol = htons(ETH_P_IP);
  ll.sll_ifindex = static_cast<int>(ifindex);
  if (::bind(rx, reinterpret_cast<sockaddr*>(&ll), sizeof ll) != 0) return fail("bind packet socket");

  struct sigaction sa {};
  sa.sa_handler = on_signal;
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);

  const auto id = static_cast<std::uint16_t>(::getpid() & 0xffff);
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_addr = target;
  std::uint16_t seq = 0;
  std::int64_t next = now_ns();
  std::array<unsigned char, 2048> buf{};
  while (stop_requested == 0) {
    std::int64_t t = now_ns();
    if (t >= next) {
      std::array<unsigned char, 16> req{};
      req[0] = ICMP_ECHO;
      req[4] = static_cast<unsigned char>(id >> 8);
      req[5] = static_cast<unsigned char>(id & 0xff);
      req[6] = static_cast<unsigned char>(seq >> 8);
      req[7] = static_cast<unsigned char>(seq & 0xff);
      const std::uint16_t c = checksum(req.data(), req.size());
      req[2] = static_cast<unsigned char>(c >> 8);
      req[3] = static_cast<unsigned char>(c & 0xff);
      // Errors (no route, no neighbour yet) are part of what is measured: keep probing.
      (void)::sendto(tx, req.data(), req.size(), 0, reinterpret_cast<sockaddr*>(&dst), sizeof dst);
      ++seq;
      next += interval;
      if (next < t) next = t + interval;  // we were descheduled: do not burst
      continue;
    }
    pollfd p{rx, POLLIN, 0};
    const int wait_ms = static_cast<int>((next - t + 999999) / 1000000);
    if (::poll(&p, 1, wait_ms) <= 0) continue;
    sockaddr_ll from{};
    socklen_t len = sizeof from;
    const ssize_t n = ::recvfrom(rx, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
    const std::int64_t at = now_ns();
    if (n < static_cast<ssize_t>(sizeof(iphdr) + 8) || from.sll_pkttype == PACKET_OUTGOING) continue;
    iphdr ip{};
    std::memcpy(&ip, buf.data(), sizeof ip);
    const std::size_t hl = static_cast<std::size_t>(ip.ihl) * 4;
    if (ip.protocol == vrrp_protocol) {
      const unsigned priority = buf[hl + 2];  // version/type, VRID, priority
      std::printf("%lld A %02x:%02x:%02x:%02x:%02x:%02x %u\n", static_cast<long long>(at), from.sll_addr[0],
                  from.sll_addr[1], from.sll_addr[2], from.sll_addr[3], from.sll_addr[4], from.sll_addr[5], priority);
      continue;
    }
    if (from.sll_pkttype != PACKET_HOST) continue;
    if (ip.protocol != IPPROTO_ICMP || ip.saddr != target.s_addr || static_cast<std::size_t>(n) < hl + 8) continue;
    const unsigned char* icmp = buf.data() + hl;
    if (icmp[0] != ICMP_ECHOREPLY || ((icmp[4] << 8) | icmp[5]) != id) continue;
    const unsigned s = static_cast<unsigned>((icmp[6] << 8) | icmp[7]);
    std::printf("%lld %u %02x:%02x:%02x:%02x:%02x:%02x\n", static_cast<long long>(at), s, from.sll_addr[0],
                from.sll_addr[1], from.sll_addr[2], from.sll_addr[3], from.sll_addr[4], from.sll_addr[5]);
  }
  return 0;
}

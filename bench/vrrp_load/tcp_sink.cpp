// SPDX-License-Identifier: GPL-2.0-or-later
// tcp_sink ADDRESS PORT: accepts TCP connections on ADDRESS:PORT (IPv4) and closes each at once,
// until SIGTERM. The target of the benchmark's TCP health checks: one process, no fork per
// connection, so a thousand checks cost the guest little; stopping it makes them all fail at once.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: tcp_sink ADDRESS PORT\n");
    return 2;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(std::atoi(argv[2])));
  if (::inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
    std::fprintf(stderr, "tcp_sink: %s is not an IPv4 address\n", argv[1]);
    return 2;
  }
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  const int on = 1;
  if (fd < 0 || ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
      ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 4096) != 0) {
    std::fprintf(stderr, "tcp_sink: %s:%s: %s\n", argv[1], argv[2], std::strerror(errno));
    return 1;
  }
  // SIGTERM's default action ends the process; the kernel closes the listener, and the next
  // probes are refused.
  for (;;) {
    const int c = ::accept(fd, nullptr, nullptr);
    if (c >= 0) {
      ::close(c);
    } else if (errno != EINTR && errno != ECONNABORTED) {
      std::fprintf(stderr, "tcp_sink: accept: %s\n", std::strerror(errno));
      return 1;
    }
  }
}

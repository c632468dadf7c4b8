// SPDX-License-Identifier: GPL-2.0-or-later
// udp_responder ADDRESS PORT echo | dns RCODE_FILE: a real server for the UDP_CHECK and DNS_CHECK
// cases of the differential test (the guest's busybox has no UDP server). `echo` sends every
// datagram back as it came. `dns` answers every query with its own ID and question, no records,
// and the response code written in RCODE_FILE (a number, read per query; 0 when unreadable), so the
// test turns the server's answers from NOERROR to SERVFAIL and back.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

namespace {

constexpr std::size_t dns_header_bytes = 12;

unsigned rcode_from(const char* path) {
  std::ifstream in(path);
  unsigned code = 0;
  if (!(in >> code) || code > 15) return 0;
  return code;
}

// The answer to a query in place: QR set, RD kept, RCODE set, no answer/authority/additional
// records. Returns the answer's length (the question is kept as it came), 0 to drop the datagram.
std::size_t answer_in_place(std::array<unsigned char, 512>& msg, std::size_t len, unsigned rcode) {
  if (len < dns_header_bytes || (msg[2] & 0x80U) != 0) return 0;  // too short, or itself an answer
  msg[2] = static_cast<unsigned char>(0x80U | (msg[2] & 0x01U));  // QR, opcode QUERY, RD kept
  msg[3] = static_cast<unsigned char>(rcode & 0x0fU);             // RA 0, RCODE
  for (std::size_t i = 6; i < dns_header_bytes; ++i) msg[i] = 0;  // ANCOUNT, NSCOUNT, ARCOUNT
  return len;
}

}  // namespace

int main(int argc, char** argv) {
  const bool dns = argc == 5 && std::strcmp(argv[3], "dns") == 0;
  if (!(argc == 4 && std::strcmp(argv[3], "echo") == 0) && !dns) {
    std::fprintf(stderr, "usage: udp_responder ADDRESS PORT echo | dns RCODE_FILE\n");
    return 2;
  }
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_port = htons(static_cast<std::uint16_t>(std::stoul(argv[2])));
  if (inet_pton(AF_INET, argv[1], &at.sin_addr) != 1) {
    std::fprintf(stderr, "udp_responder: '%s' is not an IPv4 address\n", argv[1]);
    return 2;
  }
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0 || bind(fd, reinterpret_cast<const sockaddr*>(&at), sizeof at) != 0) {  // NOLINT: sockets API
    std::fprintf(stderr, "udp_responder: %s\n", std::strerror(errno));
    return 1;
  }
  std::array<unsigned char, 512> msg{};
  for (;;) {
    sockaddr_in from{};
    socklen_t from_len = sizeof from;
    const ssize_t n = recvfrom(fd, msg.data(), msg.size(), 0, reinterpret_cast<sockaddr*>(&from), &from_len);  // NOLINT
    if (n < 0) {
      if (errno == EINTR) continue;
      std::fprintf(stderr, "udp_responder: recvfrom: %s\n", std::strerror(errno));
      return 1;
    }
    auto len = static_cast<std::size_t>(n);
    if (dns) len = answer_in_place(msg, len, rcode_from(argv[4]));
    if (len == 0 && dns) continue;
    sendto(fd, msg.data(), len, 0, reinterpret_cast<const sockaddr*>(&from), from_len);  // NOLINT
  }
}

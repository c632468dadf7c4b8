// SPDX-License-Identifier: GPL-2.0-or-later
// Real servers for the guest comparison: accepts on COUNT consecutive ports from FIRST_PORT on
// ADDR and answers each connection that sends bytes with "HTTP/1.1 200 OK" (a TCP connect check
// is just accepted and dropped). One thread, one epoll: cheap next to the checkers it serves.
// SIGUSR1 prints "accepts=N" (connections so far) to stdout, so a script can count the checks a
// checker made in a window without trusting the checker; SIGTERM/SIGINT exit.
#include <sys/resource.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "bench_util.hpp"

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

void on_usr1(asio::signal_set& usr1, const std::uint64_t& accepts) {
  usr1.async_wait([&usr1, &accepts](const boost::system::error_code& ec, int) {
    if (ec) return;
    std::printf("accepts=%llu\n", static_cast<unsigned long long>(accepts));
    std::fflush(stdout);
    on_usr1(usr1, accepts);
  });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s ADDR FIRST_PORT COUNT\n", argv[0]);
    return 2;
  }
  boost::system::error_code ec;
  const auto addr = asio::ip::make_address(argv[1], ec);
  const int first = std::atoi(argv[2]);
  const int count = std::atoi(argv[3]);
  if (ec || first <= 0 || count <= 0 || first + count > 65536) {
    std::fprintf(stderr, "bad address or port range\n");
    return 2;
  }
  rlimit nofile{};
  getrlimit(RLIMIT_NOFILE, &nofile);
  nofile.rlim_cur = nofile.rlim_max;
  setrlimit(RLIMIT_NOFILE, &nofile);

  asio::io_context io(1);
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::uint64_t accepts = 0;
  for (int i = 0; i < count; ++i) {
    auto a = std::make_unique<tcp::acceptor>(io);
    const tcp::endpoint ep(addr, static_cast<std::uint16_t>(first + i));
    a->open(ep.protocol(), ec);
    if (!ec) a->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) a->bind(ep, ec);
    if (!ec) a->listen(1024, ec);
    if (ec) {
      std::fprintf(stderr, "listen on %s:%d: %s\n", argv[1], first + i, ec.message().c_str());
      return 1;
    }
    lbd::bench::serve(*a, accepts);
    acceptors.push_back(std::move(a));
  }
  asio::signal_set usr1(io, SIGUSR1);
  on_usr1(usr1, accepts);
  asio::signal_set stop(io, SIGTERM, SIGINT);
  stop.async_wait([&io](const boost::system::error_code&, int) { io.stop(); });
  std::printf("listening=%d\n", count);
  std::fflush(stdout);
  io.run();
  return 0;
}

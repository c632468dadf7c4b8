// SPDX-License-Identifier: GPL-2.0-or-later
// flow_client: the client of kernel_anycast (busybox has nothing that holds many connections in one
// process or picks its source ports). Each connection leaves from a source port of its own, given
// by the caller, so the router's L4 hash sees distinct flows and the test can find each flow in the
// directors' tables by its port.
//   flow_client short ADDRESS PORT COUNT FIRST_SPORT
//     COUNT HTTP/1.0 requests one after the other, the i-th from FIRST_SPORT + i, each given 15 s.
//     Prints "answer BODY N" per distinct body, then "short ok=K failed=F".
//   flow_client flows ADDRESS PORT COUNT FIRST_SPORT
//     opens COUNT connections to a line-echo service (one after the other, each given 15 s), prints
//     "open I SPORT ok|failed" each and "ready open=K failed=F"; then for each line TAG on stdin,
//     every connection still open sends "TAG-I" and waits (all at once, at most 20 s) for its echo:
//     "flow TAG I SPORT ok|closed|timeout|wrong|dead" per connection (closed: EOF or reset; dead:
//     broken in an earlier round) and "round TAG ok=A closed=B timeout=C wrong=D dead=E". A
//     connection that did not echo is closed and stays dead. Ends at end of input.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

sockaddr_in address_of(const char* host, unsigned port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
    std::fprintf(stderr, "flow_client: bad address %s\n", host);
    std::exit(2);
  }
  return sa;
}

int ms_left(clock_type::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

// Time for a connection, or an answer: a lost SYN is sent again after 1, 3 and 7 s, and a TCG guest on
// a loaded host loses one now and then (a BFD session flapping at the router).
constexpr int give_ms = 15000;

// A non-blocking socket from sport connected to sa within give_ms, or -1.
int connect_from(const sockaddr_in& sa, unsigned sport) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_port = htons(static_cast<std::uint16_t>(sport));
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) {
    std::fprintf(stderr, "flow_client: bind to port %u: %s\n", sport, std::strerror(errno));
    ::close(fd);
    return -1;
  }
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0 && errno != EINPROGRESS) {
    ::close(fd);
    return -1;
  }
  pollfd p{fd, POLLOUT, 0};
  int err = 0;
  socklen_t len = sizeof err;
  if (::poll(&p, 1, give_ms) != 1 || ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

int short_connections(const sockaddr_in& sa, unsigned count, unsigned first) {
  std::map<std::string, unsigned> answers;
  unsigned ok = 0, failed = 0;
  static const char request[] = "GET / HTTP/1.0\r\n\r\n";
  for (unsigned i = 0; i < count; ++i) {
    const int fd = connect_from(sa, first + i);
    std::string reply;
    bool complete = false;
    if (fd >= 0 && ::send(fd, request, sizeof request - 1, MSG_NOSIGNAL) == static_cast<ssize_t>(sizeof request - 1)) {
      const auto deadline = clock_type::now() + std::chrono::milliseconds(give_ms);
      char buf[4096];
      for (;;) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, ms_left(deadline)) != 1) break;
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n == 0) {
          complete = true;
          break;
        }
        if (n < 0) break;
        reply.append(buf, static_cast<std::size_t>(n));
      }
    }
    if (fd >= 0) ::close(fd);
    const auto body_at = reply.find("\r\n\r\n");
    if (!complete || reply.compare(0, 5, "HTTP/") != 0 || reply.compare(8, 4, " 200") != 0 ||
        body_at == std::string::npos) {
      ++failed;
      continue;
    }
    std::string body = reply.substr(body_at + 4);
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
    ++answers[body];
    ++ok;
  }
  for (const auto& [body, n] : answers) std::printf("answer %s %u\n", body.c_str(), n);
  std::printf("short ok=%u failed=%u\n", ok, failed);
  return failed == 0 ? 0 : 1;
}

struct flow {
  unsigned sport;
  int fd;  // -1: dead
  std::string got;
  std::string result;
};

void round_trip(std::vector<flow>& flows, const std::string& tag) {
  for (std::size_t i = 0; i < flows.size(); ++i) {
    auto& f = flows[i];
    f.got.clear();
    f.result = f.fd < 0 ? "dead" : "";
    if (f.fd < 0) continue;
    const std::string line = tag + "-" + std::to_string(i + 1) + "\n";
    if (::send(f.fd, line.data(), line.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(line.size())) f.result = "closed";
  }
  const auto deadline = clock_type::now() + std::chrono::seconds(20);
  for (;;) {
    std::vector<pollfd> fds;
    std::vector<std::size_t> which;
    for (std::size_t i = 0; i < flows.size(); ++i) {
      if (!flows[i].result.empty()) continue;
      fds.push_back({flows[i].fd, POLLIN, 0});
      which.push_back(i);
    }
    if (fds.empty()) break;
    const int n = ::poll(fds.data(), fds.size(), ms_left(deadline));
    if (n <= 0) break;
    for (std::size_t k = 0; k < fds.size(); ++k) {
      if (fds[k].revents == 0) continue;
      auto& f = flows[which[k]];
      char buf[256];
      const ssize_t got = ::recv(f.fd, buf, sizeof buf, MSG_DONTWAIT);
      if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (got <= 0) {
        f.result = "closed";
        continue;
      }
      f.got.append(buf, static_cast<std::size_t>(got));
      const auto nl = f.got.find('\n');
      if (nl == std::string::npos) continue;
      f.result = f.got.substr(0, nl) == tag + "-" + std::to_string(which[k] + 1) ? "ok" : "wrong";
    }
  }
  std::map<std::string, unsigned> counts{{"ok", 0}, {"closed", 0}, {"timeout", 0}, {"wrong", 0}, {"dead", 0}};
  for (std::size_t i = 0; i < flows.size(); ++i) {
    auto& f = flows[i];
    if (f.result.empty()) f.result = "timeout";
    if (f.result != "ok" && f.fd >= 0) {
      ::close(f.fd);
      f.fd = -1;
    }
    ++counts[f.result];
    std::printf("flow %s %zu %u %s\n", tag.c_str(), i + 1, f.sport, f.result.c_str());
  }
  std::printf("round %s ok=%u closed=%u timeout=%u wrong=%u dead=%u\n", tag.c_str(), counts["ok"], counts["closed"],
              counts["timeout"], counts["wrong"], counts["dead"]);
  std::fflush(stdout);
}

int long_flows(const sockaddr_in& sa, unsigned count, unsigned first) {
  std::vector<flow> flows;
  unsigned failed = 0;
  for (unsigned i = 0; i < count; ++i) {
    const int fd = connect_from(sa, first + i);
    flows.push_back({first + i, fd, "", ""});
    if (fd < 0) ++failed;
    std::printf("open %u %u %s\n", i + 1, first + i, fd < 0 ? "failed" : "ok");
  }
  std::printf("ready open=%u failed=%u\n", count - failed, failed);
  std::fflush(stdout);
  std::string tag;
  while (std::getline(std::cin, tag)) {
    if (!tag.empty()) round_trip(flows, tag);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  const std::string mode = argc > 1 ? argv[1] : "";
  if ((mode == "short" || mode == "flows") && argc == 6) {
    const auto sa = address_of(argv[2], static_cast<unsigned>(std::atoi(argv[3])));
    const auto count = static_cast<unsigned>(std::atoi(argv[4]));
    const auto first = static_cast<unsigned>(std::atoi(argv[5]));
    if (first == 0 || first + count > 65536) {
      std::fprintf(stderr, "flow_client: source ports %u+%u out of range\n", first, count);
      return 2;
    }
    return mode == "short" ? short_connections(sa, count, first) : long_flows(sa, count, first);
  }
  std::fprintf(stderr, "usage: flow_client short|flows ADDRESS PORT COUNT FIRST_SPORT\n");
  return 2;
}

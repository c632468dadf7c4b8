// SPDX-License-Identifier: GPL-2.0-or-later
// tcp, udp, dns and script checks against real local servers and real processes.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

#include "healthcheck/dns_prober.hpp"
#include "healthcheck/script_prober.hpp"
#include "healthcheck/tcp_prober.hpp"
#include "healthcheck/udp_prober.hpp"
#include "support.hpp"

namespace lbd::healthcheck {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using test::local_server;

endpoint loopback(std::uint16_t port) { return endpoint{boost::asio::ip::make_address("127.0.0.1"), port}; }

struct probe_test : ::testing::Test {
  boost::asio::io_context io;
};

TEST_F(probe_test, TcpConnectsOrIsRefused) {
  tcp_prober p(io.get_executor());
  local_server srv({"tcp-hang"});
  auto r = test::run_probe(io, p, srv.target(), tcp_params{}, seconds(1));
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.reason, "connected to " + to_string(srv.target()));
  const auto closed = loopback(test::closed_port());
  r = test::run_probe(io, p, closed, tcp_params{}, seconds(1));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "connection refused by " + to_string(closed));
}

// A listening socket of the test's own on 127.0.0.1, non-blocking, that nobody accepts from.
struct raw_listener {
  raw_listener() {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), len), 0);
    EXPECT_EQ(::listen(fd, 64), 0);
    EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
    port = ntohs(a.sin_port);
  }
  raw_listener(const raw_listener&) = delete;
  raw_listener& operator=(const raw_listener&) = delete;
  ~raw_listener() { ::close(fd); }
  // Connections the application could accept now.
  int acceptable() const {
    int n = 0;
    for (int c = ::accept(fd, nullptr, nullptr); c >= 0; c = ::accept(fd, nullptr, nullptr)) {
      ::close(c);
      ++n;
    }
    return n;
  }
  int fd = -1;
  std::uint16_t port = 0;
};

TEST_F(probe_test, ConnectOnlyCheckEndsBeforeTheApplicationSeesIt) {
  // SYN, SYN-ACK, RST: the server's kernel answers for its listener, its accept queue never gets
  // the connection. A check that sends bytes completes the handshake, and the server gets it.
  raw_listener l;
  tcp_prober p(io.get_executor());
  for (int i = 0; i < 20; ++i) {
    const auto r = test::run_probe(io, p, loopback(l.port), tcp_params{}, seconds(1));
    ASSERT_TRUE(r.ok) << r.reason;
  }
  EXPECT_EQ(l.acceptable(), 0);
  const auto r = test::run_probe(io, p, loopback(l.port), tcp_params{"PING\r\n", ""}, seconds(1));
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(l.acceptable(), 1);
}

TEST_F(probe_test, TcpConnectTimeout) {
  tcp_prober p(io.get_executor());
  local_server srv({"tcp-full"});  // accept queue full: SYNs are dropped
  const auto r = test::run_probe(io, p, srv.target(), tcp_params{}, milliseconds(300));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, "timeout");
  EXPECT_EQ(r.reason, "connect timeout after 300ms to " + to_string(srv.target()));
}

TEST_F(probe_test, TcpSendExpect) {
  tcp_prober p(io.get_executor());
  local_server srv({"tcp-banner", "+PONG\r\n"});
  auto r = test::run_probe(io, p, srv.target(), tcp_params{"PING\r\n", "+PONG"}, seconds(1));
  EXPECT_TRUE(r.ok) << r.reason;
  r = test::run_probe(io, p, srv.target(), tcp_params{"PING\r\n", "-ERR"}, seconds(1));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "reply from " + to_string(srv.target()) + " does not start with the expected bytes");
}

TEST_F(probe_test, TcpExpectFromAHangingServerTimesOut) {
  tcp_prober p(io.get_executor());
  local_server srv({"tcp-hang"});
  const auto r = test::run_probe(io, p, srv.target(), tcp_params{"PING\r\n", "+PONG"}, milliseconds(300));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "no expected reply within 300ms to " + to_string(srv.target()));
}

TEST_F(probe_test, TcpManyConcurrentProbesReuseTheirSlots) {
  tcp_prober p(io.get_executor());
  local_server srv({"tcp-hang"});
  const auto closed = loopback(test::closed_port());
  for (int round = 0; round < 3; ++round) {
    int done = 0;
    int oks = 0;
    for (int i = 0; i < 50; ++i) {
      p.async_probe(i % 2 == 0 ? srv.target() : closed, tcp_params{}, seconds(5), [&](const probe_result& r) {
        ++done;
        if (r.ok) ++oks;
      });
    }
    const auto deadline = std::chrono::steady_clock::now() + seconds(30);
    while (done < 50 && std::chrono::steady_clock::now() < deadline) io.run_one_for(milliseconds(50));
    EXPECT_EQ(done, 50);
    EXPECT_EQ(oks, 25);
    EXPECT_EQ(p.running(), 0U);
  }
}

TEST_F(probe_test, TcpProberDestroyedWithProbesInFlightCallsNoHandler) {
  local_server srv({"tcp-full"});  // SYNs dropped: the probes stay in flight
  int called = 0;
  {
    tcp_prober p(io.get_executor());
    for (int i = 0; i < 5; ++i) {
      p.async_probe(srv.target(), tcp_params{}, seconds(5), [&](const probe_result&) { ++called; });
    }
    io.run_for(milliseconds(100));
    EXPECT_EQ(p.running(), 5U);
  }
  io.run_for(milliseconds(100));
  EXPECT_EQ(called, 0);
}

TEST_F(probe_test, UdpEchoAndSilence) {
  udp_prober p(io.get_executor());
  local_server echo({"udp-echo"});
  auto r = test::run_probe(io, p, echo.target(), udp_params{"hello 42", "hello"}, seconds(1));
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.reason, "reply from " + to_string(echo.target()));
  r = test::run_probe(io, p, echo.target(), udp_params{"hello", "bye"}, seconds(1));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "reply from " + to_string(echo.target()) + " does not start with the expected bytes");
  local_server silent({"udp-silent"});
  r = test::run_probe(io, p, silent.target(), udp_params{"hello", ""}, milliseconds(300));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, "timeout");
  EXPECT_EQ(r.reason, "no reply within 300ms from " + to_string(silent.target()));
}

// keepalived's UDP_CHECK without require_reply: silence (even to an empty datagram) is up, an ICMP
// port unreachable is down.
TEST_F(probe_test, UdpWithoutRequiredReplyOnlyAnIcmpErrorIsDown) {
  udp_prober p(io.get_executor());
  local_server silent({"udp-silent"});
  udp_params no_reply{"", ""};
  no_reply.require_reply = false;
  auto r = test::run_probe(io, p, silent.target(), no_reply, milliseconds(300));
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.reason, "no ICMP error within 300ms from " + to_string(silent.target()));
  r = test::run_probe(io, p, loopback(test::closed_port()), no_reply, seconds(1));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, "refused");
}

TEST_F(probe_test, UdpClosedPortIsRefused) {
  udp_prober p(io.get_executor());
  const auto closed = loopback(test::closed_port());
  const auto r = test::run_probe(io, p, closed, udp_params{"hello", ""}, seconds(1));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, "refused");
}

TEST_F(probe_test, DnsAnswerAndRefusal) {
  dns_prober p(io.get_executor());
  local_server good({"dns-answer"});
  dns_params q;
  q.name = "www.example.test";
  auto r = test::run_probe(io, p, good.target(), q, seconds(1));
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.reason, "NOERROR with 1 answer from " + to_string(good.target()));
  local_server refusing({"dns-refuse"});
  r = test::run_probe(io, p, refusing.target(), q, seconds(1));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason,
            "REFUSED with 0 answers from " + to_string(refusing.target()) + " (expected NOERROR with an answer)");
  q.expect_rcode = 5;
  r = test::run_probe(io, p, refusing.target(), q, seconds(1));
  EXPECT_TRUE(r.ok) << r.reason;
}

TEST_F(probe_test, DnsSilentServerTimesOut) {
  dns_prober p(io.get_executor());
  local_server silent({"udp-silent"});
  dns_params q;
  q.name = "www.example.test";
  q.type = "AAAA";
  const auto r = test::run_probe(io, p, silent.target(), q, milliseconds(400));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, "timeout");
  EXPECT_EQ(r.reason, "no DNS answer within 400ms from " + to_string(silent.target()));
}

struct script_test : probe_test {
  test::temp_dir dir;
  script_prober p{io.get_executor()};
  const endpoint target = loopback(8080);
};

TEST_F(script_test, SuccessAndFailureWithTargetArguments) {
  script_params s;
  s.argv = {dir.write_script("check.sh", "#!/bin/sh\n[ \"$1\" = 127.0.0.1 ] && [ \"$2\" = 8080 ] && exit 0\nexit 4\n"),
            "{address}", "{port}"};
  auto r = test::run_probe(io, p, target, s, seconds(5));
  EXPECT_TRUE(r.ok) << r.reason;
  s.argv[2] = "9999";
  r = test::run_probe(io, p, target, s, seconds(5));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, s.argv[0] + " exit 4");
}

TEST_F(script_test, MissingProgramIsAnError) {
  script_params s;
  s.argv = {(dir.path() / "does-not-exist").string()};
  const auto r = test::run_probe(io, p, target, s, seconds(5));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, "error");
  EXPECT_NE(r.reason.find("No such file"), std::string::npos) << r.reason;
}

TEST_F(script_test, HangPastTheTimeoutKillsTheWholeGroup) {
  const std::string pids = (dir.path() / "pids").string();
  script_params s;
  s.argv = {dir.write_script("hang.sh", "#!/bin/sh\nsleep 300 &\necho $! > " + pids + ".tmp\necho $$ >> " + pids +
                                            ".tmp\nmv " + pids + ".tmp " + pids + "\nsleep 300\n")};
  // Long enough for a loaded machine to start the shell and write the pids before the kill.
  const auto r = test::run_probe(io, p, target, s, seconds(2));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, "timeout");
  EXPECT_EQ(r.reason, s.argv[0] + " timed out after 2s, process group killed");
  std::ifstream in(pids);
  pid_t child = 0;
  pid_t script = 0;
  in >> child >> script;
  ASSERT_GT(child, 0);
  ASSERT_GT(script, 0);
  // SIGKILL is delivered by the time kill() returns, but the background sleep is reaped by init:
  // wait (with a deadline) until it is gone or a zombie.
  const auto deadline = std::chrono::steady_clock::now() + seconds(10);
  while (!(test::process_dead(child) && test::process_dead(script)) && std::chrono::steady_clock::now() < deadline) {
    io.run_one_for(milliseconds(10));
  }
  EXPECT_TRUE(test::process_dead(script));
  EXPECT_TRUE(test::process_dead(child));
}

TEST_F(script_test, DynamicWeightFromExitCodeClamped) {
  script_params s;
  s.dynamic_weight = weight_source::exit_code;
  s.min_weight = 1;
  s.max_weight = 20;
  s.argv = {dir.write_script("w.sh", "#!/bin/sh\nexit \"$1\"\n"), "12"};
  auto r = test::run_probe(io, p, target, s, seconds(5));
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.weight, 10U);
  s.argv[1] = "250";
  r = test::run_probe(io, p, target, s, seconds(5));
  EXPECT_EQ(r.weight, 20U);
  EXPECT_EQ(r.reason, s.argv[0] + " exit 250: weight 20");
  s.argv[1] = "1";
  r = test::run_probe(io, p, target, s, seconds(5));
  EXPECT_FALSE(r.ok);
}

TEST_F(script_test, DynamicWeightFromStdoutClamped) {
  script_params s;
  s.dynamic_weight = weight_source::stdout_line;
  s.min_weight = 5;
  s.max_weight = 100;
  s.argv = {dir.write_script("w.sh", "#!/bin/sh\necho \"$1\"\necho second line\n"), "1000000"};
  auto r = test::run_probe(io, p, target, s, seconds(5));
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.weight, 100U);
  s.argv[1] = "0";
  r = test::run_probe(io, p, target, s, seconds(5));
  EXPECT_EQ(r.weight, 5U);
  s.argv[1] = "37";
  r = test::run_probe(io, p, target, s, seconds(5));
  EXPECT_EQ(r.weight, 37U);
}

}  // namespace
}  // namespace lbd::healthcheck

// Plain http through the Asio prober (the one the daemon uses for `http`) against real local
// servers: the same answers and reasons as the curl prober, plus chunked and close-delimited
// bodies.
#include <gtest/gtest.h>

#include "healthcheck/body_digest.hpp"
#include "healthcheck/plain_http_prober.hpp"
#include "support.hpp"

namespace lbd::healthcheck {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using test::local_server;

struct plain_http_test : ::testing::Test {
  boost::asio::io_context io;
  plain_http_prober prober{io.get_executor()};

  probe_result probe(const endpoint& target, const http_params& p, duration timeout = seconds(2)) {
    return test::run_probe(io, prober, target, p, timeout);
  }
};

TEST_F(plain_http_test, HealthyServerIsUpAndGetsTheServiceHost) {
  local_server srv({"http-ok"});
  ASSERT_TRUE(srv.running());
  http_params p;
  p.path = "/healthz?deep=1";
  p.host = "www.example.test";
  p.body_regex = "host=www\\.example\\.test path=/healthz\\?deep=1 method=GET";
  const auto r = probe(srv.target(), p);
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.kind, "ok");
  EXPECT_EQ(r.reason, "HTTP 200 from " + to_string(srv.target()));
  EXPECT_GT(r.latency, duration::zero());
  EXPECT_EQ(prober.running(), 0U);
}

TEST_F(plain_http_test, MethodHeadAndStatusRanges) {
  local_server srv({"http-ok"});
  http_params p;
  p.method = "HEAD";
  p.expect_status = {{204, 204}, {200, 200}};
  EXPECT_TRUE(probe(srv.target(), p).ok);
  p.expect_status = {{300, 399}};
  const auto r = probe(srv.target(), p);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "HTTP 200 from " + to_string(srv.target()));
}

TEST_F(plain_http_test, ServerErrorIsDownWithTheStatus) {
  local_server srv({"http-500"});
  const auto r = probe(srv.target(), http_params{});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, "status");
  EXPECT_EQ(r.reason, "HTTP 500 from " + to_string(srv.target()));
}

TEST_F(plain_http_test, BodyRegexAndDigestWhateverTheFraming) {
  for (const char* mode : {"http-ok", "http-chunked", "http-close"}) {
    local_server srv({mode});
    const std::string body = "host=127.0.0.1:" + std::to_string(srv.port()) + " path=/ method=GET\n";
    http_params p;
    p.body_regex = "^healthy$";
    auto r = probe(srv.target(), p);
    EXPECT_EQ(r.kind, "body") << mode;
    EXPECT_EQ(r.reason.rfind("body does not match /^healthy$/", 0), 0U) << r.reason;
    p.body_regex = "method=GET";
    p.body_sha256 = sha256_hex(body);
    r = probe(srv.target(), p);
    EXPECT_TRUE(r.ok) << mode << ": " << r.reason;
    p.body_sha256 = sha256_hex("something else");
    r = probe(srv.target(), p);
    EXPECT_FALSE(r.ok) << mode;
    EXPECT_NE(r.reason.find("differs from the expected"), std::string::npos) << r.reason;
  }
}

TEST_F(plain_http_test, InvalidRegexIsAnErrorNotACrash) {
  local_server srv({"http-ok"});
  http_params p;
  p.body_regex = "([unclosed";
  const auto r = probe(srv.target(), p);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "invalid body regex /([unclosed/");
}

TEST_F(plain_http_test, SlowServerTimesOut) {
  local_server srv({"http-slow", "3"});
  const auto r = probe(srv.target(), http_params{}, milliseconds(500));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, "timeout");
  EXPECT_EQ(r.reason, "no complete response within 500ms from " + to_string(srv.target()));
  EXPECT_LT(r.latency, seconds(2));
}

TEST_F(plain_http_test, ConnectTimeoutIsNamedAsSuch) {
  local_server srv({"tcp-full"});  // accept queue full: SYNs are dropped
  const auto r = probe(srv.target(), http_params{}, milliseconds(300));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, "timeout");
  EXPECT_EQ(r.reason, "connect timeout after 300ms to " + to_string(srv.target()));
}

TEST_F(plain_http_test, AcceptThenHangTimesOut) {
  local_server srv({"tcp-hang"});
  const auto r = probe(srv.target(), http_params{}, milliseconds(400));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, "timeout");
  EXPECT_EQ(r.reason, "no complete response within 400ms from " + to_string(srv.target()));
}

TEST_F(plain_http_test, ResetIsReported) {
  local_server srv({"tcp-reset"});
  const auto r = probe(srv.target(), http_params{});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, "reset");
  EXPECT_EQ(r.reason, "connection reset by " + to_string(srv.target()));
}

TEST_F(plain_http_test, GarbageIsAMalformedAnswerWithAReason) {
  local_server srv({"tcp-garbage"});
  for (int i = 0; i < 3; ++i) {
    const auto r = probe(srv.target(), http_params{});
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.kind, "malformed") << r.reason;
    EXPECT_EQ(r.reason, "malformed HTTP response from " + to_string(srv.target()) + ": not an HTTP/1.x status line");
  }
}

TEST_F(plain_http_test, SilentCloseIsAnEmptyReply) {
  local_server srv({"tcp-banner", ""});  // reads the request, answers nothing, closes
  const auto r = probe(srv.target(), http_params{});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, "empty");
  EXPECT_EQ(r.reason, "empty reply from " + to_string(srv.target()));
}

TEST_F(plain_http_test, BodyLargerThanTheLimitIsAbortedAtOnce) {
  local_server srv({"http-huge", "50000000"});
  http_params p;
  p.max_body = 65536;
  const auto r = probe(srv.target(), p, seconds(5));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, "body");
  EXPECT_EQ(r.reason, "body larger than 65536 bytes from " + to_string(srv.target()));
  EXPECT_LT(r.latency, seconds(2));  // judged by the Content-Length, not read to the end
}

TEST_F(plain_http_test, LargeBodyWithinTheLimitIsReadCompletely) {
  // Megabytes through edge-triggered readiness: no edge may be lost on the way.
  local_server srv({"http-huge", "3000000"});
  http_params p;
  p.max_body = 4000000;
  p.body_sha256 = sha256_hex(std::string(3000000, 'x'));
  const auto r = probe(srv.target(), p, seconds(10));
  EXPECT_TRUE(r.ok) << r.reason;
}

TEST_F(plain_http_test, ClosedPortIsRefused) {
  const endpoint t{boost::asio::ip::make_address("127.0.0.1"), test::closed_port()};
  const auto r = probe(t, http_params{});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, "refused");
  EXPECT_EQ(r.reason, "connection refused by " + to_string(t));
}

TEST_F(plain_http_test, TlsIsNotThisProbersJob) {
  http_params p;
  p.tls = true;
  const auto r = probe(endpoint{boost::asio::ip::make_address("127.0.0.1"), 443}, p);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, "error");
}

TEST_F(plain_http_test, ManyConcurrentProbesReuseTheirSlots) {
  local_server ok({"http-ok"});
  local_server bad({"http-500"});
  for (int round = 0; round < 2; ++round) {
    int done = 0;
    int oks = 0;
    for (int i = 0; i < 40; ++i) {
      const auto& srv = i % 2 == 0 ? ok : bad;
      prober.async_probe(srv.target(), http_params{}, seconds(5), [&](const probe_result& r) {
        ++done;
        if (r.ok) ++oks;
      });
    }
    const auto deadline = std::chrono::steady_clock::now() + seconds(30);
    while (done < 40 && std::chrono::steady_clock::now() < deadline) io.run_one_for(milliseconds(50));
    EXPECT_EQ(done, 40);
    EXPECT_EQ(oks, 20);
    EXPECT_EQ(prober.running(), 0U);
  }
}

TEST(plain_http_lifetime, DestroyedWithProbesInFlightCallsNoHandler) {
  local_server srv({"tcp-hang"});
  boost::asio::io_context io;
  int called = 0;
  {
    plain_http_prober p(io.get_executor());
    for (int i = 0; i < 5; ++i) {
      p.async_probe(srv.target(), http_params{}, seconds(5), [&](const probe_result&) { ++called; });
    }
    io.run_for(milliseconds(200));  // connected, waiting for an answer that never comes
    EXPECT_EQ(p.running(), 5U);
  }
  io.run_for(milliseconds(100));
  EXPECT_EQ(called, 0);
}

}  // namespace
}  // namespace lbd::healthcheck

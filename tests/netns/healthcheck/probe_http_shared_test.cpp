// SPDX-License-Identifier: GPL-2.0-or-later
// Plain http against real local servers, asserted identically for both http probers: libcurl's
// (kept for https) and the Asio one the daemon uses for `http`. Same answers, same reasons.
#include <gtest/gtest.h>

#include "healthcheck/body_digest.hpp"
#include "healthcheck/curl_multi.hpp"
#include "healthcheck/http_prober.hpp"
#include "healthcheck/plain_http_prober.hpp"
#include "support.hpp"

namespace lbd::healthcheck {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using test::local_server;

struct curl_http {
  explicit curl_http(boost::asio::io_context& io) : multi(io.get_executor()) {}
  curl_multi multi;
  http_prober prober{multi};
  [[nodiscard]] std::size_t running() const { return multi.transfers(); }
};

struct plain_http {
  explicit plain_http(boost::asio::io_context& io) : prober(io.get_executor()) {}
  plain_http_prober prober;
  [[nodiscard]] std::size_t running() const { return prober.running(); }
};

template <typename Prober>
struct http_shared_test : ::testing::Test {
  boost::asio::io_context io;
  Prober under_test{io};

  probe_result probe(const endpoint& target, const http_params& params, duration timeout = seconds(2)) {
    return test::run_probe(io, under_test.prober, target, params, timeout);
  }
};

using probers = ::testing::Types<curl_http, plain_http>;
TYPED_TEST_SUITE(http_shared_test, probers);

TYPED_TEST(http_shared_test, HealthyServerIsUpAndGetsTheServiceHost) {
  local_server srv({"http-ok"});
  ASSERT_TRUE(srv.running());
  http_params p;
  p.path = "/healthz?deep=1";
  p.host = "www.example.test";
  p.body_regex = "host=www\\.example\\.test path=/healthz\\?deep=1 method=GET";
  const auto r = this->probe(srv.target(), p);
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.kind, "ok");
  EXPECT_EQ(r.reason, "HTTP 200 from " + to_string(srv.target()));
  EXPECT_GT(r.latency, duration::zero());
  EXPECT_EQ(this->under_test.running(), 0U);
}

TYPED_TEST(http_shared_test, MethodHeadAndStatusRanges) {
  local_server srv({"http-ok"});
  http_params p;
  p.method = "HEAD";
  p.expect_status = {{204, 204}, {200, 200}};
  EXPECT_TRUE(this->probe(srv.target(), p).ok);
  p.expect_status = {{300, 399}};
  const auto r = this->probe(srv.target(), p);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "HTTP 200 from " + to_string(srv.target()));
}

TYPED_TEST(http_shared_test, ServerErrorIsDownWithTheStatus) {
  local_server srv({"http-500"});
  const auto r = this->probe(srv.target(), http_params{});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, "status");
  EXPECT_EQ(r.reason, "HTTP 500 from " + to_string(srv.target()));
}

TYPED_TEST(http_shared_test, BodyRegexAndDigestWhateverTheFraming) {
  for (const char* mode : {"http-ok", "http-chunked", "http-close"}) {
    local_server srv({mode});
    const std::string body = "host=127.0.0.1:" + std::to_string(srv.port()) + " path=/ method=GET\n";
    http_params p;
    p.body_regex = "^healthy$";
    auto r = this->probe(srv.target(), p);
    EXPECT_EQ(r.kind, "body") << mode;
    EXPECT_EQ(r.reason.rfind("body does not match /^healthy$/", 0), 0U) << r.reason;
    p.body_regex = "method=GET";
    p.body_sha256 = sha256_hex(body);
    r = this->probe(srv.target(), p);
    EXPECT_TRUE(r.ok) << mode << ": " << r.reason;
    p.body_sha256 = sha256_hex("something else");
    r = this->probe(srv.target(), p);
    EXPECT_FALSE(r.ok) << mode;
    EXPECT_NE(r.reason.find("differs from the expected"), std::string::npos) << r.reason;
  }
}

TYPED_TEST(http_shared_test, InvalidRegexIsAnErrorNotACrash) {
  local_server srv({"http-ok"});
  http_params p;
  p.body_regex = "([unclosed";
  const auto r = this->probe(srv.target(), p);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason,
            "invalid body regex /([unclosed/: missing terminating ] for character class at offset 10 (after "
            "'([unclosed')");
}

// PCRE2, as lbd.conf validates: "o[]k]" is 'o' then ']' or 'k' (std::regex read an empty class and
// never matched), and a catastrophic pattern ends at the match limit as a failed check.
TYPED_TEST(http_shared_test, BodyRegexIsPcre2AndBounded) {
  local_server srv({"http-ok"});
  http_params p;
  p.body_regex = "meth[]o]d=GET";
  auto r = this->probe(srv.target(), p);
  EXPECT_TRUE(r.ok) << r.reason;
  p.body_regex = "^(.|..)*$\\d";
  r = this->probe(srv.target(), p);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, "body");
  EXPECT_NE(r.reason.find("gave up on"), std::string::npos) << r.reason;
  EXPECT_NE(r.reason.find("match limit exceeded"), std::string::npos) << r.reason;
}

TYPED_TEST(http_shared_test, SlowServerTimesOut) {
  local_server srv({"http-slow", "3"});
  const auto r = this->probe(srv.target(), http_params{}, milliseconds(500));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, "timeout");
  EXPECT_EQ(r.reason, "no complete response within 500ms from " + to_string(srv.target()));
  EXPECT_LT(r.latency, seconds(2));
}

TYPED_TEST(http_shared_test, ConnectTimeoutIsNamedAsSuch) {
  local_server srv({"tcp-full"});  // accept queue full: SYNs are dropped
  const auto r = this->probe(srv.target(), http_params{}, milliseconds(300));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, "timeout");
  EXPECT_EQ(r.reason, "connect timeout after 300ms to " + to_string(srv.target()));
}

TYPED_TEST(http_shared_test, AcceptThenHangTimesOut) {
  local_server srv({"tcp-hang"});
  const auto r = this->probe(srv.target(), http_params{}, milliseconds(400));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, "timeout");
  EXPECT_EQ(r.reason, "no complete response within 400ms from " + to_string(srv.target()));
}

TYPED_TEST(http_shared_test, ResetIsReported) {
  local_server srv({"tcp-reset"});
  const auto r = this->probe(srv.target(), http_params{});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, "reset");
  EXPECT_EQ(r.reason, "connection reset by " + to_string(srv.target()));
}

TYPED_TEST(http_shared_test, GarbageIsAMalformedAnswerWithAReason) {
  local_server srv({"tcp-garbage"});
  for (int i = 0; i < 3; ++i) {
    const auto r = this->probe(srv.target(), http_params{});
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.kind, "malformed") << r.reason;
    EXPECT_EQ(r.reason.rfind("malformed HTTP response from " + to_string(srv.target()), 0), 0U) << r.reason;
  }
}

TYPED_TEST(http_shared_test, BodyLargerThanTheLimitIsAbortedAtOnce) {
  local_server srv({"http-huge", "50000000"});
  http_params p;
  p.max_body = 65536;
  const auto r = this->probe(srv.target(), p, seconds(5));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, "body");
  EXPECT_EQ(r.reason, "body larger than 65536 bytes from " + to_string(srv.target()));
  EXPECT_LT(r.latency, seconds(2));  // aborted, not read to the end
}

TYPED_TEST(http_shared_test, LargeBodyWithinTheLimitIsReadCompletely) {
  // Megabytes through Asio-driven readiness: no edge may be lost on the way.
  local_server srv({"http-huge", "3000000"});
  http_params p;
  p.max_body = 4000000;
  p.body_sha256 = sha256_hex(std::string(3000000, 'x'));
  const auto r = this->probe(srv.target(), p, seconds(10));
  EXPECT_TRUE(r.ok) << r.reason;
}

TYPED_TEST(http_shared_test, ClosedPortIsRefused) {
  const endpoint t{boost::asio::ip::make_address("127.0.0.1"), test::closed_port()};
  const auto r = this->probe(t, http_params{});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, "refused");
  EXPECT_EQ(r.reason, "connection refused by " + to_string(t));
}

TYPED_TEST(http_shared_test, ManyConcurrentProbesAndNothingLeftRunning) {
  local_server ok({"http-ok"});
  local_server bad({"http-500"});
  for (int round = 0; round < 2; ++round) {  // the second round reuses what the first left
    int done = 0;
    int oks = 0;
    for (int i = 0; i < 40; ++i) {
      const auto& srv = i % 2 == 0 ? ok : bad;
      this->under_test.prober.async_probe(srv.target(), http_params{}, seconds(5), [&](const probe_result& r) {
        ++done;
        if (r.ok) ++oks;
      });
    }
    const auto deadline = std::chrono::steady_clock::now() + seconds(30);
    while (done < 40 && std::chrono::steady_clock::now() < deadline) this->io.run_one_for(milliseconds(50));
    EXPECT_EQ(done, 40);
    EXPECT_EQ(oks, 20);
    EXPECT_EQ(this->under_test.running(), 0U);
  }
}

}  // namespace
}  // namespace lbd::healthcheck

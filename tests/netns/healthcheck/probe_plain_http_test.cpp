// SPDX-License-Identifier: GPL-2.0-or-later
// Plain http through the Asio prober: what only it does (an empty reply, no TLS, its lifetime).
// What both http probers must do alike is in probe_http_shared_test.cpp.
#include <gtest/gtest.h>

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

TEST_F(plain_http_test, SilentCloseIsAnEmptyReply) {
  local_server srv({"tcp-banner", ""});  // reads the request, answers nothing, closes
  const auto r = probe(srv.target(), http_params{});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, "empty");
  EXPECT_EQ(r.reason, "empty reply from " + to_string(srv.target()));
}

TEST_F(plain_http_test, TlsIsNotThisProbersJob) {
  http_params p;
  p.tls = true;
  const auto r = probe(endpoint{boost::asio::ip::make_address("127.0.0.1"), 443}, p);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, "error");
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

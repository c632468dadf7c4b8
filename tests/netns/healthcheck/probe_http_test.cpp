// SPDX-License-Identifier: GPL-2.0-or-later
// https through libcurl against real local TLS servers: verification, SNI, client certificates.
// Plain http, shared with the Asio prober, is in probe_http_shared_test.cpp.
#include <gtest/gtest.h>

#include "healthcheck/curl_multi.hpp"
#include "healthcheck/http_prober.hpp"
#include "support.hpp"

namespace lbd::healthcheck {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using test::local_server;

struct http_test : ::testing::Test {
  boost::asio::io_context io;
  curl_multi multi{io.get_executor()};
  http_prober prober{multi};

  probe_result probe(const endpoint& target, const http_params& p, duration timeout = seconds(2)) {
    return test::run_probe(io, prober, target, p, timeout);
  }
};

struct https_test : http_test {
  test::temp_dir dir;
  test::certs certs = test::make_certs(dir, "www.example.test");
};

TEST_F(https_test, SelfSignedFailsWithoutItsCa) {
  local_server srv({"https", certs.cert, certs.key});
  ASSERT_TRUE(srv.running());
  http_params p;
  p.tls = true;
  p.host = "www.example.test";
  const auto r = probe(srv.target(), p);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, "tls");
  EXPECT_EQ(r.reason.rfind("TLS certificate verify failed for " + to_string(srv.target()), 0), 0U) << r.reason;
}

TEST_F(https_test, VerifiesWithItsCaAndSendsSniAndHost) {
  local_server srv({"https", certs.cert, certs.key});
  http_params p;
  p.tls = true;
  p.host = "www.example.test";
  p.ca_file = certs.ca;
  p.body_regex = "host=www\\.example\\.test ";
  const auto r = probe(srv.target(), p);
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.reason, "HTTP 200 from " + to_string(srv.target()));
}

TEST_F(https_test, WrongSniFailsVerification) {
  local_server srv({"https", certs.cert, certs.key});
  http_params p;
  p.tls = true;
  p.host = "www.example.test";
  p.sni = "other.example.test";
  p.ca_file = certs.ca;
  const auto r = probe(srv.target(), p);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, "tls");
  EXPECT_NE(r.reason.find("other.example.test"), std::string::npos) << r.reason;
}

TEST_F(https_test, VerificationCanBeTurnedOff) {
  local_server srv({"https", certs.cert, certs.key});
  http_params p;
  p.tls = true;
  p.verify = false;
  EXPECT_TRUE(probe(srv.target(), p).ok);
}

TEST_F(https_test, ClientCertificateWhenTheServerRequiresOne) {
  local_server srv({"https", certs.cert, certs.key, certs.ca});
  http_params p;
  p.tls = true;
  p.host = "www.example.test";
  p.ca_file = certs.ca;
  auto r = probe(srv.target(), p);
  EXPECT_FALSE(r.ok) << r.reason;
  // The server's "certificate required" alert races with its RST (it closes with our request
  // unread): either is a correct account of what the wire carried.
  if (r.kind == "tls") {
    EXPECT_NE(r.reason.find("certificate required"), std::string::npos) << r.reason;
  } else {
    EXPECT_EQ(r.kind, "reset") << r.reason;
  }
  p.client_cert = certs.client_cert;
  p.client_key = certs.client_key;
  r = probe(srv.target(), p);
  EXPECT_TRUE(r.ok) << r.reason;
}

TEST_F(https_test, PlainHttpToATlsPortIsNotUp) {
  local_server srv({"https", certs.cert, certs.key});
  const auto r = probe(srv.target(), http_params{}, milliseconds(800));
  EXPECT_FALSE(r.ok);
}

}  // namespace
}  // namespace lbd::healthcheck

// SPDX-License-Identifier: GPL-2.0-or-later
// A data-path check's route on the probe socket (probe_route): the tcp prober and libcurl's socket
// (https) get the mark and the bind before they connect. Against 127.0.0.1 the route's server is
// 127.0.0.1 itself, so the probe connects as a plain one would; a route towards an IPv6 server
// under an IPv4 target cannot be bound, and that failure shows the route is applied.
#include <gtest/gtest.h>

#include "healthcheck/curl_multi.hpp"
#include "healthcheck/http_prober.hpp"
#include "healthcheck/tcp_prober.hpp"
#include "support.hpp"

namespace lbd::healthcheck {
namespace {

using std::chrono::seconds;
using test::local_server;

probe_route route_via(const char* address) { return probe_route{7, boost::asio::ip::make_address(address)}; }

TEST(probe_route, TcpProbeIsMarkedAndBound) {
  boost::asio::io_context io;
  tcp_prober p(io.get_executor());
  local_server srv({"tcp-hang"});
  tcp_params params;
  params.route = route_via("127.0.0.1");
  auto r = test::run_probe(io, p, srv.target(), params, seconds(1));
  EXPECT_TRUE(r.ok) << r.reason;
  params.route = route_via("::1");
  r = test::run_probe(io, p, srv.target(), params, seconds(1));
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.kind, "timeout") << r.reason;  // refused at once, by the bind
  // The slot's socket was not kept: a plain probe after it connects as before.
  r = test::run_probe(io, p, srv.target(), tcp_params{}, seconds(1));
  EXPECT_TRUE(r.ok) << r.reason;
}

TEST(probe_route, HttpsProbeThroughCurlIsMarkedAndBound) {
  boost::asio::io_context io;
  curl_multi multi{io.get_executor()};
  http_prober prober{multi};
  test::temp_dir dir;
  const auto certs = test::make_certs(dir, "www.example.test");
  local_server srv({"https", certs.cert, certs.key});
  ASSERT_TRUE(srv.running());
  http_params p;
  p.tls = true;
  p.host = "www.example.test";
  p.ca_file = certs.ca;
  p.route = route_via("127.0.0.1");
  auto r = test::run_probe(io, prober, srv.target(), p, seconds(2));
  EXPECT_TRUE(r.ok) << r.reason;
  p.route = route_via("::1");
  r = test::run_probe(io, prober, srv.target(), p, seconds(2));
  EXPECT_FALSE(r.ok) << r.reason;
  EXPECT_NE(r.kind, "timeout") << r.reason;  // curl gave up at its socket callback
}

}  // namespace
}  // namespace lbd::healthcheck

#include "daemon/metrics_endpoint.hpp"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <thread>

#include "common/metrics.hpp"

namespace lbd::daemon {
namespace {

std::string fetch(const endpoint& ep, const std::string& request) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket s(io);
  s.connect({ep.address, ep.port});
  boost::asio::write(s, boost::asio::buffer(request));
  std::string out;
  boost::system::error_code ec;
  boost::asio::read(s, boost::asio::dynamic_buffer(out), ec);
  return out;
}

TEST(MetricsEndpoint, ServesTheRegistryOnLoopback) {
  metrics::registry reg;
  reg.get_counter("lbd_reloads_total", "reloads", {{"result", "ok"}}).inc();
  boost::asio::io_context io;
  metrics_endpoint m(io, [&reg] { return reg.render(); });
  ASSERT_FALSE(m.start(endpoint{*parse_address("127.0.0.1"), 0}));
  auto ep = m.local_endpoint();
  ASSERT_NE(ep.port, 0);
  std::thread loop([&io] { io.run(); });
  auto ok = fetch(ep, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  auto missing = fetch(ep, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  auto post = fetch(ep, "POST /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  boost::asio::post(io, [&m] { m.stop(); });
  loop.join();
  EXPECT_EQ(ok.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << ok;
  EXPECT_NE(ok.find("Content-Type: text/plain; version=0.0.4"), std::string::npos);
  EXPECT_NE(ok.find("lbd_reloads_total{result=\"ok\"} 1\n"), std::string::npos);
  EXPECT_EQ(missing.rfind("HTTP/1.1 404", 0), 0U);
  EXPECT_EQ(post.rfind("HTTP/1.1 405", 0), 0U);
}

}  // namespace
}  // namespace lbd::daemon

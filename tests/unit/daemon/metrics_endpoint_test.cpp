// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/shell/metrics_endpoint.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <thread>

#include "common/metrics.hpp"

namespace lbd::daemon {
namespace {

using namespace std::chrono_literals;

struct answer {
  std::string text;
  bool closed = false;  // the server closed the connection within the deadline
};

// hang_up: the client closes its side after the request.
answer exchange(const endpoint& ep, const std::string& request, bool hang_up = false,
                std::chrono::seconds limit = 10s) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket s(io);
  s.connect({ep.address, ep.port});
  boost::system::error_code ignored;
  boost::asio::write(s, boost::asio::buffer(request), ignored);
  if (hang_up) s.shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  answer a;
  boost::asio::async_read(s, boost::asio::dynamic_buffer(a.text),
                          [&a](const boost::system::error_code&, std::size_t) { a.closed = true; });
  io.run_for(limit);
  return a;
}

std::string fetch(const endpoint& ep, const std::string& request) { return exchange(ep, request).text; }

std::string body_of(const std::string& response) {
  auto at = response.find("\r\n\r\n");
  return at == std::string::npos ? std::string() : response.substr(at + 4);
}

// The endpoint on loopback, port 0, its loop on a thread.
struct served {
  explicit served(std::function<api::daemon_status()> status = {}, http_limits limits = {})
      : m(
            io, [this] { return reg.render(); }, std::move(status), limits) {
    reg.get_counter("lbd_reloads_total", "reloads", {{"result", "ok"}}).inc();
    EXPECT_FALSE(m.start(endpoint{*parse_address("127.0.0.1"), 0}));
    ep = m.local_endpoint();
    loop = std::thread([this] { io.run(); });
  }
  ~served() {
    // Idle connections a test left open must not keep the loop running.
    boost::asio::post(io, [this] {
      m.stop();
      io.stop();
    });
    loop.join();
  }
  served(const served&) = delete;
  served& operator=(const served&) = delete;

  metrics::registry reg;
  boost::asio::io_context io;
  metrics_endpoint m;
  endpoint ep;
  std::thread loop;
};

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

TEST(MetricsEndpoint, ServesTheStatusPageAndJsonBesideTheMetrics) {
  served s([] {
    api::daemon_status st;
    st.node = "a<b>";
    st.services.emplace_back().name = "<b>web</b>";
    return st;
  });
  auto page = fetch(s.ep, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(page.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << page;
  EXPECT_NE(page.find("Content-Type: text/html; charset=utf-8\r\n"), std::string::npos);
  EXPECT_NE(page.find("Content-Security-Policy: default-src 'none';"), std::string::npos);
  EXPECT_NE(page.find("&lt;b&gt;web&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(page.find("<b>web"), std::string::npos);

  auto json = fetch(s.ep, "GET /status.json HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(json.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << json;
  EXPECT_NE(json.find("Content-Type: application/json\r\n"), std::string::npos);
  const auto body = nlohmann::json::parse(body_of(json));
  EXPECT_EQ(body["node"], "a<b>");
  EXPECT_EQ(body["version"], "1.5");
  EXPECT_EQ(body.get<api::daemon_status>().services.at(0).name, "<b>web</b>");

  EXPECT_EQ(fetch(s.ep, "GET /metrics?name[]=x HTTP/1.1\r\nHost: x\r\n\r\n").rfind("HTTP/1.1 200", 0), 0U);
  EXPECT_EQ(fetch(s.ep, "GET /status HTTP/1.1\r\nHost: x\r\n\r\n").rfind("HTTP/1.1 404", 0), 0U);
  EXPECT_EQ(fetch(s.ep, "GET /metrics/ HTTP/1.0\r\n\r\n").rfind("HTTP/1.1 404", 0), 0U);
  auto del = fetch(s.ep, "DELETE / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(del.rfind("HTTP/1.1 405", 0), 0U) << del;
  EXPECT_NE(del.find("Allow: GET, HEAD\r\n"), std::string::npos);
}

TEST(MetricsEndpoint, HeadHasTheHeadersOfGetAndNoBody) {
  served s;
  auto get = fetch(s.ep, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  auto head = fetch(s.ep, "HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << head;
  EXPECT_NE(head.find(fmt::format("Content-Length: {}\r\n", body_of(get).size())), std::string::npos) << head;
  EXPECT_EQ(body_of(head), "");
  EXPECT_FALSE(body_of(get).empty());
}

TEST(MetricsEndpoint, GarbageAndOversizedRequestsAreRefusedAndServingGoesOn) {
  served s;
  EXPECT_EQ(fetch(s.ep, std::string("\x01\x02\xff garbage\r\n\r\n", 14)).rfind("HTTP/1.1 400", 0), 0U);
  EXPECT_EQ(fetch(s.ep, "GET\r\n\r\n").rfind("HTTP/1.1 400", 0), 0U);
  const std::string big(20000, 'a');
  auto header = fetch(s.ep, "GET /metrics HTTP/1.1\r\nX-Big: " + big + "\r\n\r\n");
  EXPECT_EQ(header.rfind("HTTP/1.1 431", 0), 0U) << header.substr(0, 80);
  auto body = fetch(s.ep, "POST /metrics HTTP/1.1\r\nContent-Length: 100000\r\n\r\n" + big);
  EXPECT_EQ(body.rfind("HTTP/1.1 413", 0), 0U) << body.substr(0, 80);
  // A client that says nothing and hangs up gets nothing.
  auto silent = exchange(s.ep, "", true);
  EXPECT_TRUE(silent.closed);
  EXPECT_EQ(silent.text, "");
  EXPECT_EQ(fetch(s.ep, "GET /metrics HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 200", 0), 0U);
}

TEST(MetricsEndpoint, ASlowClientIsCutOffAfterTheReadTimeout) {
  http_limits l;
  l.read_timeout = 200ms;
  served s({}, l);
  const auto t0 = std::chrono::steady_clock::now();
  auto slow = exchange(s.ep, "GET /metrics HTTP/1.1\r\n");  // the header never ends
  EXPECT_TRUE(slow.closed);
  EXPECT_EQ(slow.text, "");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
}

TEST(MetricsEndpoint, ConnectionsBeyondTheLimitAreClosedUntilOneEnds) {
  http_limits l;
  l.max_connections = 2;
  served s({}, l);
  boost::asio::io_context client;
  std::vector<boost::asio::ip::tcp::socket> idle;
  for (int i = 0; i < 2; ++i) {
    idle.emplace_back(client);
    idle.back().connect({s.ep.address, s.ep.port});
  }
  // Accepted in order: the two idle ones hold both places, so this one is closed unanswered.
  auto refused = exchange(s.ep, "GET /metrics HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(refused.closed);
  EXPECT_EQ(refused.text, "");

  idle.front().close();
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  std::string ok;
  while (ok.rfind("HTTP/1.1 200", 0) != 0 && std::chrono::steady_clock::now() < deadline) {
    ok = fetch(s.ep, "GET /metrics HTTP/1.1\r\n\r\n");
    if (ok.empty()) std::this_thread::sleep_for(10ms);  // poll interval while the server sees the close
  }
  EXPECT_EQ(ok.rfind("HTTP/1.1 200", 0), 0U);
}

}  // namespace
}  // namespace lbd::daemon

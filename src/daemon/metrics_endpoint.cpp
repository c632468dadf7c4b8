#include "daemon/metrics_endpoint.hpp"

#include <fmt/format.h>

#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <memory>

namespace lbd::daemon {
namespace {

constexpr std::size_t max_request_bytes = std::size_t{16} * 1024;

struct scrape : std::enable_shared_from_this<scrape> {
  scrape(boost::asio::ip::tcp::socket s, const std::function<std::string()>& r)
      : socket(std::move(s)), render(r), deadline(socket.get_executor()), request(max_request_bytes) {}

  void start() {
    auto self = shared_from_this();
    deadline.expires_after(std::chrono::seconds(5));
    deadline.async_wait([self](const boost::system::error_code& ec) {
      if (!ec) self->socket.close();
    });
    boost::asio::async_read_until(socket, request, "\r\n\r\n",
                                  [self](const boost::system::error_code& ec, std::size_t) {
                                    if (ec) {
                                      self->deadline.cancel();
                                      return;
                                    }
                                    std::istream in(&self->request);
                                    std::string method;
                                    std::string target;
                                    in >> method >> target;
                                    self->respond(method, target);
                                  });
  }

  void respond(const std::string& method, const std::string& target) {
    std::string status = "200 OK";
    std::string type = "text/plain; version=0.0.4; charset=utf-8";
    std::string body;
    if (method != "GET" && method != "HEAD") {
      status = "405 Method Not Allowed";
      body = "only GET\n";
    } else if (target != "/metrics" && target.rfind("/metrics?", 0) != 0) {
      status = "404 Not Found";
      body = "metrics are at /metrics\n";
    } else {
      body = render();
    }
    reply = fmt::format("HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", status,
                        type, body.size());
    if (method != "HEAD") reply += body;
    auto self = shared_from_this();
    boost::asio::async_write(socket, boost::asio::buffer(reply), [self](const boost::system::error_code&, std::size_t) {
      boost::system::error_code ignored;
      self->socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
      self->deadline.cancel();
    });
  }

  boost::asio::ip::tcp::socket socket;
  const std::function<std::string()>& render;
  boost::asio::steady_timer deadline;
  boost::asio::streambuf request;
  std::string reply;
};

}  // namespace

metrics_endpoint::metrics_endpoint(boost::asio::io_context& io, std::function<std::string()> render)
    : acceptor_(io), render_(std::move(render)) {}

boost::system::error_code metrics_endpoint::start(const endpoint& listen) {
  boost::system::error_code ec;
  boost::asio::ip::tcp::endpoint ep(listen.address, listen.port);
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(boost::asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(64, ec);
  if (ec) {
    log_.err("cannot listen on {}: {}", to_string(listen), ec.message());
    acceptor_.close();
    return ec;
  }
  log_.info("serving metrics on http://{}/metrics", to_string(local_endpoint()));
  accept();
  return {};
}

void metrics_endpoint::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

endpoint metrics_endpoint::local_endpoint() const {
  boost::system::error_code ec;
  auto ep = acceptor_.local_endpoint(ec);
  return endpoint{ep.address(), ep.port()};
}

void metrics_endpoint::accept() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, boost::asio::ip::tcp::socket s) {
    if (ec == boost::asio::error::operation_aborted) return;
    if (!ec) std::make_shared<scrape>(std::move(s), render_)->start();
    if (acceptor_.is_open()) accept();
  });
}

}  // namespace lbd::daemon

// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/shell/metrics_endpoint.hpp"

#include <array>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <exception>
#include <optional>

#include "common/heap_trim.hpp"
#include "daemon/shell/status_page.hpp"
#include "status/answer_text.hpp"

namespace lbd::daemon {

struct metrics_endpoint::shared {
  std::function<std::string()> metrics;
  std::function<api::daemon_status()> status;
  http_limits limits;
  std::function<std::string()> status_json;  // optional: /status.json's body
  std::size_t open = 0;                      // connections being served
};

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using response = http::response<http::string_body>;

response reply(http::status code, std::string_view type, std::string body) {
  response r{code, 11};
  r.set(http::field::content_type, beast::string_view(type.data(), type.size()));
  r.set(http::field::cache_control, "no-store");
  r.body() = std::move(body);
  return r;
}

response text(http::status code, std::string body) { return reply(code, "text/plain; charset=utf-8", std::move(body)); }

// The page shows names and reasons that come from config files, scripts and real servers: escaping
// is what keeps them text, and this policy is the second line: no script runs, nothing loads from
// elsewhere, no other site can frame the page.
void harden(response& r) {
  r.set("Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'");
  r.set("X-Content-Type-Options", "nosniff");
  r.set("Referrer-Policy", "no-referrer");
}

response route(const metrics_endpoint::shared& s, http::verb method, std::string_view target) {
  if (method != http::verb::get && method != http::verb::head) {
    auto r = text(http::status::method_not_allowed, "only GET and HEAD\n");
    r.set(http::field::allow, "GET, HEAD");
    return r;
  }
  const auto path = target.substr(0, target.find('?'));
  if (path == "/metrics") return reply(http::status::ok, "text/plain; version=0.0.4; charset=utf-8", s.metrics());
  if (s.status && path == "/") {
    auto r = reply(http::status::ok, "text/html; charset=utf-8",
                   render_status_page(s.status(), std::chrono::system_clock::now()));
    harden(r);
    return r;
  }
  if (s.status && path == "/status.json") {
    // With the protocol version a control answer carries in its envelope; written service by
    // service, and bytes that are not UTF-8 (a real server's answer in a reason) as U+FFFD.
    auto r = reply(http::status::ok, "application/json",
                   (s.status_json ? s.status_json() : api::status_text(s.status(), 2, true)) + "\n");
    harden(r);
    return r;
  }
  return text(http::status::not_found,
              s.status ? "not found: see /, /status.json or /metrics\n" : "metrics are at /metrics\n");
}

class scrape_session : public std::enable_shared_from_this<scrape_session> {
 public:
  scrape_session(boost::asio::ip::tcp::socket s, std::shared_ptr<metrics_endpoint::shared> sh)
      : stream_(std::move(s)), shared_(std::move(sh)) {
    ++shared_->open;
  }
  ~scrape_session() { --shared_->open; }
  scrape_session(const scrape_session&) = delete;
  scrape_session& operator=(const scrape_session&) = delete;

  void start() {
    const auto& l = shared_->limits;
    parser_.header_limit(static_cast<std::uint32_t>(l.max_header_bytes));
    parser_.body_limit(l.max_body_bytes);
    stream_.expires_after(l.read_timeout);
    http::async_read(stream_, buffer_, parser_,
                     [self = shared_from_this()](const beast::error_code& ec, std::size_t) { self->on_read(ec); });
  }

 private:
  void on_read(const beast::error_code& ec) {
    // A client that is gone or too slow gets nothing: there is no one, or no time, to answer.
    if (ec == beast::error::timeout || ec == http::error::end_of_stream || ec == boost::asio::error::eof ||
        ec == boost::asio::error::connection_reset || ec == boost::asio::error::operation_aborted) {
      return;
    }
    if (ec == http::error::header_limit) {
      send(text(http::status::request_header_fields_too_large, "request header too large\n"), false);
    } else if (ec == http::error::body_limit) {
      send(text(http::status::payload_too_large, "request body too large\n"), false);
    } else if (ec) {
      send(text(http::status::bad_request, "bad request\n"), false);
    } else {
      const auto& req = parser_.get();
      const bool head = req.method() == http::verb::head;
      try {
        send(route(*shared_, req.method(), std::string_view(req.target().data(), req.target().size())), head);
      } catch (const std::exception& e) {
        send(text(http::status::internal_server_error, std::string(e.what()) + "\n"), head);
      }
    }
  }

  void send(response r, bool head) {
    r.keep_alive(false);
    r.prepare_payload();
    // HEAD: the headers of the GET, Content-Length included, and no body.
    if (head) r.body().clear();
    response_ = std::move(r);
    stream_.expires_after(shared_->limits.write_timeout);
    http::async_write(stream_, response_, [self = shared_from_this()](const beast::error_code& ec, std::size_t) {
      const auto size = self->response_.body().size();
      std::string().swap(self->response_.body());
      trim_heap_after(size);
      if (ec) return;
      beast::error_code ignored;
      self->stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
      self->stream_.expires_after(self->shared_->limits.read_timeout);
      self->drain();
    });
  }

  // Closing with unread input (a refused oversized request) would reset the connection and could
  // destroy the answer before the client reads it: read until the client closes, or the deadline.
  void drain() {
    stream_.async_read_some(boost::asio::buffer(discard_),
                            [self = shared_from_this()](const beast::error_code& ec, std::size_t) {
                              if (!ec) self->drain();
                            });
  }

  beast::tcp_stream stream_;
  std::shared_ptr<metrics_endpoint::shared> shared_;
  beast::flat_buffer buffer_;
  http::request_parser<http::string_body> parser_;
  response response_;
  std::array<char, 512> discard_{};
};

}  // namespace

metrics_endpoint::metrics_endpoint(boost::asio::io_context& io, std::function<std::string()> render,
                                   std::function<api::daemon_status()> status, http_limits limits)
    : acceptor_(io), shared_(std::make_shared<shared>(shared{std::move(render), std::move(status), limits, {}})) {}

metrics_endpoint::~metrics_endpoint() = default;

void metrics_endpoint::write_status_json_with(std::function<std::string()> write) {
  shared_->status_json = std::move(write);
}

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
  if (shared_->status) {
    log_.info("serving metrics on http://{0}/metrics and the status page on http://{0}/", to_string(local_endpoint()));
  } else {
    log_.info("serving metrics on http://{}/metrics", to_string(local_endpoint()));
  }
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
    if (!ec) {
      if (shared_->open < shared_->limits.max_connections) {
        std::make_shared<scrape_session>(std::move(s), shared_)->start();
      } else {
        boost::system::error_code ignored;
        const auto peer = s.remote_endpoint(ignored);
        log_.debug("{} connections open; closing the one from {}", shared_->open, peer.address().to_string());
        s.close(ignored);
      }
    }
    if (acceptor_.is_open()) accept();
  });
}

}  // namespace lbd::daemon

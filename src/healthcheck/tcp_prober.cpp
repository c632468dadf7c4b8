#include "healthcheck/tcp_prober.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <memory>

#include "common/duration.hpp"
#include "healthcheck/reasons.hpp"

namespace lbd::healthcheck {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

class tcp_probe : public std::enable_shared_from_this<tcp_probe> {
 public:
  tcp_probe(const asio::any_io_executor& ex, endpoint target, tcp_params params, duration timeout, probe_handler h)
      : socket_(ex),
        timer_(ex),
        target_(std::move(target)),
        params_(std::move(params)),
        timeout_(timeout),
        handler_(std::move(h)) {}

  void start() {
    started_ = clock::now();
    timer_.expires_after(timeout_);
    timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
      if (ec) return;
      if (auto self = weak.lock()) self->on_timeout();
    });
    socket_.async_connect(tcp::endpoint(target_.address, target_.port),
                          [self = shared_from_this()](const boost::system::error_code& ec) { self->on_connect(ec); });
  }

 private:
  void on_timeout() {
    if (done_) return;
    const auto what = connected_ ? "no expected reply within " : "connect timeout after ";
    complete(probe_fail("timeout", what + format_duration(timeout_) + " to " + to_string(target_), timeout_));
  }

  void on_connect(const boost::system::error_code& ec) {
    if (done_) return;
    if (ec) {
      complete(socket_failure(ec, "connect to", target_, elapsed()));
      return;
    }
    connected_ = true;
    if (!params_.send.empty()) {
      asio::async_write(socket_, asio::buffer(params_.send),
                        [self = shared_from_this()](const boost::system::error_code& wec, std::size_t) {
                          if (self->done_) return;
                          if (wec) {
                            self->complete(socket_failure(wec, "send to", self->target_, self->elapsed()));
                          } else {
                            self->read_reply();
                          }
                        });
      return;
    }
    read_reply();
  }

  void read_reply() {
    if (params_.expect.empty()) {
      complete(probe_ok("connected to " + to_string(target_), elapsed()));
      return;
    }
    reply_.resize(params_.expect.size());
    asio::async_read(
        socket_, asio::buffer(reply_),
        [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) { self->on_reply(ec, n); });
  }

  void on_reply(const boost::system::error_code& ec, std::size_t n) {
    if (done_) return;
    reply_.resize(n);
    // Compare what arrived even on EOF: a short wrong reply says more than "connection closed".
    if (params_.expect.compare(0, n, reply_) != 0) {
      complete(probe_fail("body", "reply from " + to_string(target_) + " does not start with the expected bytes",
                          elapsed()));
      return;
    }
    if (ec) {
      complete(socket_failure(ec, "reading from", target_, elapsed()));
      return;
    }
    complete(probe_ok("expected reply from " + to_string(target_), elapsed()));
  }

  [[nodiscard]] duration elapsed() const { return clock::now() - started_; }

  void complete(probe_result r) {
    done_ = true;
    timer_.cancel();
    boost::system::error_code ignored;
    socket_.close(ignored);
    auto h = std::move(handler_);
    h(std::move(r));
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  endpoint target_;
  tcp_params params_;
  duration timeout_;
  probe_handler handler_;
  std::string reply_;
  time_point started_{};
  bool connected_ = false;
  bool done_ = false;
};

}  // namespace

void tcp_prober::async_probe(const endpoint& target, const check_params& params, duration timeout,
                             probe_handler handler) {
  const auto* p = std::get_if<tcp_params>(&params);
  if (p == nullptr) {
    handler(probe_fail("error", "tcp prober given another check type", duration::zero()));
    return;
  }
  std::make_shared<tcp_probe>(ex_, target, *p, timeout, std::move(handler))->start();
}

}  // namespace lbd::healthcheck

// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/udp_prober.hpp"

#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <memory>

#include "common/duration.hpp"
#include "healthcheck/reasons.hpp"

namespace lbd::healthcheck {
namespace {

namespace asio = boost::asio;
using asio::ip::udp;

class udp_probe : public std::enable_shared_from_this<udp_probe> {
 public:
  udp_probe(const asio::any_io_executor& ex, endpoint target, udp_params params, duration timeout, probe_handler h)
      : socket_(ex),
        timer_(ex),
        target_(std::move(target)),
        params_(std::move(params)),
        timeout_(timeout),
        handler_(std::move(h)) {}

  void start() {
    started_ = clock::now();
    boost::system::error_code ec;
    const udp::endpoint peer(target_.address, target_.port);
    socket_.open(peer.protocol(), ec);
    if (!ec) socket_.connect(peer, ec);  // connected: only the target's replies, and ICMP errors reported
    if (ec) {
      complete(socket_failure(ec, "udp socket for", target_, elapsed()));
      return;
    }
    timer_.expires_after(timeout_);
    timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& tec) {
      if (tec) return;
      if (auto self = weak.lock()) {
        if (self->done_) return;
        if (!self->params_.require_reply) {
          // keepalived's UDP_CHECK without require_reply: silence means the port is open.
          self->complete(
              probe_ok("no ICMP error within " + format_duration(self->timeout_) + " from " + to_string(self->target_),
                       self->timeout_));
        } else {
          self->complete(probe_fail(
              "timeout", "no reply within " + format_duration(self->timeout_) + " from " + to_string(self->target_),
              self->timeout_));
        }
      }
    });
    socket_.async_send(asio::buffer(params_.payload),
                       [self = shared_from_this()](const boost::system::error_code& sec, std::size_t) {
                         if (self->done_) return;
                         if (sec) {
                           self->complete(socket_failure(sec, "send to", self->target_, self->elapsed()));
                           return;
                         }
                         self->receive();
                       });
  }

 private:
  void receive() {
    socket_.async_receive(asio::buffer(buf_),
                          [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                            if (self->done_) return;
                            if (ec) {
                              self->complete(socket_failure(ec, "receive from", self->target_, self->elapsed()));
                              return;
                            }
                            self->judge(std::string_view(self->buf_.data(), n));
                          });
  }

  void judge(std::string_view reply) {
    const std::string t = to_string(target_);
    if (reply.substr(0, params_.expect_prefix.size()) != params_.expect_prefix) {
      complete(probe_fail("body", "reply from " + t + " does not start with the expected bytes", elapsed()));
      return;
    }
    complete(probe_ok("reply from " + t, elapsed()));
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

  udp::socket socket_;
  asio::steady_timer timer_;
  endpoint target_;
  udp_params params_;
  duration timeout_;
  probe_handler handler_;
  std::array<char, 65536> buf_{};
  time_point started_{};
  bool done_ = false;
};

}  // namespace

void udp_prober::async_probe(const endpoint& target, const check_params& params, duration timeout,
                             probe_handler handler) {
  const auto* p = std::get_if<udp_params>(&params);
  if (p == nullptr) {
    handler(probe_fail("error", "udp prober given another check type", duration::zero()));
    return;
  }
  std::make_shared<udp_probe>(ex_, target, *p, timeout, std::move(handler))->start();
}

}  // namespace lbd::healthcheck

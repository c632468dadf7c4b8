// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/dns_prober.hpp"

#include <ares.h>
#include <arpa/nameser.h>
#include <fmt/format.h>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <cstdlib>
#include <map>
#include <memory>

#include "common/duration.hpp"

namespace lbd::healthcheck {
namespace {

namespace asio = boost::asio;

class dns_probe : public std::enable_shared_from_this<dns_probe> {
 public:
  dns_probe(const asio::any_io_executor& ex, endpoint target, dns_params params, duration timeout, probe_handler h)
      : ex_(ex),
        timer_(ex),
        ares_timer_(ex),
        target_(std::move(target)),
        params_(std::move(params)),
        timeout_(timeout),
        handler_(std::move(h)) {}

  dns_probe(const dns_probe&) = delete;
  dns_probe& operator=(const dns_probe&) = delete;

  ~dns_probe() {
    if (channel_ != nullptr) ares_destroy(channel_);  // closes its sockets through on_sock_state(0, 0)
    for (auto& [fd, s] : sockets_) release(*s);
  }

  void start() {
    started_ = clock::now();
    const auto type = dns_type_code(params_.type);
    if (!type) {
      complete(probe_fail("error", "unknown DNS type " + params_.type, duration::zero()));
      return;
    }
    ares_options opts{};
    // NOCHECKRESP: hand REFUSED / SERVFAIL answers to us instead of retrying them as failures.
    opts.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH;
    opts.tries = 1;
    opts.timeout = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(timeout_).count());
    opts.sock_state_cb = &dns_probe::on_sock_state;
    opts.sock_state_cb_data = this;
    const int mask = ARES_OPT_FLAGS | ARES_OPT_TRIES | ARES_OPT_TIMEOUTMS | ARES_OPT_SOCK_STATE_CB;
    if (int rc = ares_init_options(&channel_, &opts, mask); rc != ARES_SUCCESS) {
      channel_ = nullptr;
      complete(probe_fail("error", fmt::format("c-ares init: {}", ares_strerror(rc)), duration::zero()));
      return;
    }
    ares_addr_port_node server{};
    server.family = target_.address.is_v6() ? AF_INET6 : AF_INET;
    if (target_.address.is_v6()) {
      const auto b = target_.address.to_v6().to_bytes();
      std::memcpy(&server.addr.addr6, b.data(), b.size());
    } else {
      const auto b = target_.address.to_v4().to_bytes();
      std::memcpy(&server.addr.addr4, b.data(), b.size());
    }
    server.udp_port = target_.port;
    server.tcp_port = target_.port;
    if (int rc = ares_set_servers_ports(channel_, &server); rc != ARES_SUCCESS) {
      complete(probe_fail("error", fmt::format("c-ares servers: {}", ares_strerror(rc)), duration::zero()));
      return;
    }
    timer_.expires_after(timeout_);
    timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
      if (ec) return;
      if (auto self = weak.lock()) self->on_timeout();
    });
    ares_query(channel_, params_.name.c_str(), ns_c_in, *type, &dns_probe::on_answer, this);
    arm_ares_timer();
  }

 private:
  struct sock {
    explicit sock(const asio::any_io_executor& ex) : sd(ex) {}
    asio::posix::stream_descriptor sd;
    bool want_read = false;
    bool want_write = false;
    bool reading = false;
    bool writing = false;
    bool removed = false;
  };

  static void release(sock& s) {
    s.removed = true;
    boost::system::error_code ignored;
    s.sd.cancel(ignored);
    if (s.sd.is_open()) s.sd.release();  // c-ares closes its own descriptors
  }

  static void on_sock_state(void* data, ares_socket_t fd, int readable, int writable) {
    auto* self = static_cast<dns_probe*>(data);
    auto it = self->sockets_.find(fd);
    if (readable == 0 && writable == 0) {
      if (it != self->sockets_.end()) {
        release(*it->second);
        self->sockets_.erase(it);
      }
      return;
    }
    if (it == self->sockets_.end()) {
      auto s = std::make_shared<sock>(self->ex_);
      boost::system::error_code ec;
      s->sd.assign(fd, ec);
      if (ec) return;  // the query times out
      it = self->sockets_.emplace(fd, std::move(s)).first;
    }
    it->second->want_read = readable != 0;
    it->second->want_write = writable != 0;
    self->watch(it->second);
  }

  void watch(const std::shared_ptr<sock>& s) {
    const int fd = s->sd.native_handle();
    if (s->want_read && !s->reading) {
      s->reading = true;
      s->sd.async_wait(asio::posix::stream_descriptor::wait_read,
                       [self = shared_from_this(), s, fd](const boost::system::error_code& ec) {
                         s->reading = false;
                         if (ec || s->removed || self->done_) return;
                         ares_process_fd(self->channel_, fd, ARES_SOCKET_BAD);
                         self->after_process(s);
                       });
    }
    if (s->want_write && !s->writing) {
      s->writing = true;
      s->sd.async_wait(asio::posix::stream_descriptor::wait_write,
                       [self = shared_from_this(), s, fd](const boost::system::error_code& ec) {
                         s->writing = false;
                         if (ec || s->removed || self->done_) return;
                         ares_process_fd(self->channel_, ARES_SOCKET_BAD, fd);
                         self->after_process(s);
                       });
    }
  }

  void after_process(const std::shared_ptr<sock>& s) {
    if (done_) return;
    if (!s->removed) watch(s);
    arm_ares_timer();
  }

  // c-ares' own retransmission timeouts.
  void arm_ares_timer() {
    if (done_ || channel_ == nullptr) return;
    timeval tv{};
    timeval* next = ares_timeout(channel_, nullptr, &tv);
    if (next == nullptr) return;
    ares_timer_.expires_after(std::chrono::seconds(next->tv_sec) + std::chrono::microseconds(next->tv_usec));
    ares_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
      if (ec) return;
      auto self = weak.lock();
      if (!self || self->done_) return;
      ares_process_fd(self->channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
      self->arm_ares_timer();
    });
  }

  static void on_answer(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
    auto* self = static_cast<dns_probe*>(arg);
    if (self->done_) return;
    const duration took = clock::now() - self->started_;
    const std::string t = to_string(self->target_);
    if (status == ARES_ECANCELLED || status == ARES_EDESTRUCTION) return;
    if (abuf != nullptr && alen >= 12) {
      self->complete(judge_dns_answer(self->params_, abuf, alen, self->target_, took));
      return;
    }
    if (status == ARES_ETIMEOUT) {
      self->complete(
          probe_fail("timeout", "no DNS answer within " + format_duration(self->timeout_) + " from " + t, took));
    } else if (status == ARES_ECONNREFUSED) {
      self->complete(probe_fail("refused", "DNS query refused by " + t + " (port unreachable)", took));
    } else {
      self->complete(probe_fail("error", fmt::format("DNS query to {} failed: {}", t, ares_strerror(status)), took));
    }
  }

  void on_timeout() {
    if (done_) return;
    complete(probe_fail("timeout", "no DNS answer within " + format_duration(timeout_) + " from " + to_string(target_),
                        timeout_));
  }

  void complete(probe_result r) {
    done_ = true;
    timer_.cancel();
    ares_timer_.cancel();
    // The channel and its sockets go with this object, once no handler refers to it any more
    // (c-ares forbids destroying a channel from inside its own callbacks).
    for (auto& [fd, s] : sockets_) {
      boost::system::error_code ignored;
      s->sd.cancel(ignored);
    }
    auto h = std::move(handler_);
    if (h) h(std::move(r));
  }

  asio::any_io_executor ex_;
  asio::steady_timer timer_;
  asio::steady_timer ares_timer_;
  endpoint target_;
  dns_params params_;
  duration timeout_;
  probe_handler handler_;
  ares_channel channel_ = nullptr;
  std::map<ares_socket_t, std::shared_ptr<sock>> sockets_;
  time_point started_{};
  bool done_ = false;
};

}  // namespace

std::optional<int> dns_type_code(std::string_view name) {
  static const std::map<std::string_view, int> types = {{"A", 1},    {"NS", 2},   {"CNAME", 5}, {"SOA", 6},
                                                        {"PTR", 12}, {"MX", 15},  {"TXT", 16},  {"AAAA", 28},
                                                        {"SRV", 33}, {"ANY", 255}};
  auto it = types.find(name);
  if (it == types.end()) return std::nullopt;
  return it->second;
}

std::string dns_rcode_name(unsigned rcode) {
  static const std::array<const char*, 11> names = {"NOERROR",  "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
                                                    "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE"};
  return rcode < names.size() ? names[rcode] : "RCODE" + std::to_string(rcode);
}

probe_result judge_dns_answer(const dns_params& p, const unsigned char* abuf, int alen, const endpoint& target,
                              duration latency) {
  const std::string t = to_string(target);
  if (abuf == nullptr || alen < 12) return probe_fail("malformed", "truncated DNS answer from " + t, latency);
  const unsigned rcode = abuf[3] & 0x0FU;
  const unsigned ancount = (static_cast<unsigned>(abuf[6]) << 8U) | abuf[7];
  const std::string got =
      fmt::format("{} with {} answer{} from {}", dns_rcode_name(rcode), ancount, ancount == 1 ? "" : "s", t);
  if (p.expect_rcode) {
    if (rcode == *p.expect_rcode) return probe_ok(got, latency);
    return probe_fail("status", fmt::format("{} (expected {})", got, dns_rcode_name(*p.expect_rcode)), latency);
  }
  if (rcode == 0 && (ancount > 0 || !p.require_answer)) return probe_ok(got, latency);
  return probe_fail("status", got + (p.require_answer ? " (expected NOERROR with an answer)" : " (expected NOERROR)"),
                    latency);
}

dns_prober::dns_prober(boost::asio::any_io_executor ex) : ex_(std::move(ex)) {
  static const int init = ares_library_init(ARES_LIB_INIT_ALL);
  if (init != ARES_SUCCESS) std::abort();
}

void dns_prober::async_probe(const endpoint& target, const check_params& params, duration timeout,
                             probe_handler handler) {
  const auto* p = std::get_if<dns_params>(&params);
  if (p == nullptr) {
    handler(probe_fail("error", "dns prober given another check type", duration::zero()));
    return;
  }
  std::make_shared<dns_probe>(ex_, target, *p, timeout, std::move(handler))->start();
}

}  // namespace lbd::healthcheck

// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/probers.hpp"

#include "healthcheck/dns_prober.hpp"
#include "healthcheck/http_prober.hpp"
#include "healthcheck/plain_http_prober.hpp"
#include "healthcheck/script_prober.hpp"
#include "healthcheck/tcp_prober.hpp"
#include "healthcheck/udp_prober.hpp"

namespace lbd::healthcheck {
namespace {

// Plain http on the lean Asio prober, https through libcurl (TLS, certificates, SNI).
class http_or_https final : public prober {
 public:
  http_or_https(std::unique_ptr<prober> plain, std::unique_ptr<prober> tls)
      : plain_(std::move(plain)), tls_(std::move(tls)) {}
  void async_probe(const endpoint& target, const check_params& params, duration timeout,
                   probe_handler handler) override {
    const auto* p = std::get_if<http_params>(&params);
    prober& which = p != nullptr && !p->tls ? *plain_ : *tls_;
    which.async_probe(target, params, timeout, std::move(handler));
  }

 private:
  std::unique_ptr<prober> plain_;
  std::unique_ptr<prober> tls_;
};

}  // namespace

std::unique_ptr<prober_set> prober_set::make_default(const boost::asio::any_io_executor& ex) {
  auto s = std::make_unique<prober_set>();
  s->multi_ = std::make_unique<curl_multi>(ex);
  s->set(0, std::make_unique<tcp_prober>(ex));
  s->set(1, std::make_unique<http_or_https>(std::make_unique<plain_http_prober>(ex),
                                            std::make_unique<http_prober>(*s->multi_)));
  s->set(2, std::make_unique<script_prober>(ex));
  s->set(3, std::make_unique<udp_prober>(ex));
  s->set(4, std::make_unique<dns_prober>(ex));
  return s;
}

void prober_set::set(std::size_t index, std::unique_ptr<prober> p) { probers_.at(index) = std::move(p); }

void prober_set::async_probe(const endpoint& target, const check_params& params, duration timeout,
                             probe_handler handler) {
  prober* p = probers_.at(params.index()).get();
  if (p == nullptr) {
    handler(probe_fail("error", "no prober for " + type_name(params) + " checks", duration::zero()));
    return;
  }
  p->async_probe(target, params, timeout, std::move(handler));
}

}  // namespace lbd::healthcheck

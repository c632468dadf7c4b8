// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// udp: send a payload, expect a reply (optionally starting with a prefix and/or matching a regex)
// within the timeout. An ICMP port unreachable surfaces as "connection refused".
#include <boost/asio/any_io_executor.hpp>

#include "healthcheck/prober.hpp"

namespace lbd::healthcheck {

class udp_prober final : public prober {
 public:
  explicit udp_prober(boost::asio::any_io_executor ex) : ex_(std::move(ex)) {}
  void async_probe(const endpoint& target, const check_params& params, duration timeout,
                   probe_handler handler) override;

 private:
  boost::asio::any_io_executor ex_;
};

}  // namespace lbd::healthcheck

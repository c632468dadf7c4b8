#pragma once
// tcp: connect within the timeout; optionally send bytes and expect the reply to start with
// given bytes.
#include <boost/asio/any_io_executor.hpp>

#include "healthcheck/prober.hpp"

namespace lbd::healthcheck {

class tcp_prober final : public prober {
 public:
  explicit tcp_prober(boost::asio::any_io_executor ex) : ex_(std::move(ex)) {}
  void async_probe(const endpoint& target, const check_params& params, duration timeout,
                   probe_handler handler) override;

 private:
  boost::asio::any_io_executor ex_;
};

}  // namespace lbd::healthcheck

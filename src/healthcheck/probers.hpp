// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// All check types behind one prober: dispatches on the parameters' type. The daemon builds one
// per io_context (with the shared curl multi handle); tests build only what they need.
#include <boost/asio/any_io_executor.hpp>

#include <array>
#include <memory>
#include <variant>

#include "healthcheck/curl_multi.hpp"
#include "healthcheck/prober.hpp"

namespace lbd::healthcheck {

class prober_set final : public prober {
 public:
  prober_set() = default;
  // tcp, http/https, script, udp and dns probers on `ex`.
  static std::unique_ptr<prober_set> make_default(const boost::asio::any_io_executor& ex);

  // Routes parameters of variant alternative `index` (see check_params) to `p`.
  void set(std::size_t index, std::unique_ptr<prober> p);

  void async_probe(const endpoint& target, const check_params& params, duration timeout,
                   probe_handler handler) override;

 private:
  std::unique_ptr<curl_multi> multi_;  // before the probers: they refer to it
  std::array<std::unique_ptr<prober>, std::variant_size_v<check_params>> probers_;
};

}  // namespace lbd::healthcheck

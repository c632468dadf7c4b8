// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// script: runs a program (no shell) through the common process runner; exit 0 = up. The timeout
// kills the script's whole process group. Dynamic weights (see script_params) are computed by
// script_weight(), pure, and clamped to the configured range.
#include <boost/asio/any_io_executor.hpp>

#include <optional>

#include "common/process.hpp"
#include "healthcheck/prober.hpp"

namespace lbd::healthcheck {

// The verdict on a finished script: ok, reason, weight. Pure, so the exit-code and stdout rules
// are table-tested without processes.
probe_result judge_script(const script_params& p, const process::outcome& o, std::string_view timeout_text);

class script_prober final : public prober {
 public:
  explicit script_prober(boost::asio::any_io_executor ex) : ex_(std::move(ex)) {}
  void async_probe(const endpoint& target, const check_params& params, duration timeout,
                   probe_handler handler) override;

 private:
  boost::asio::any_io_executor ex_;
};

}  // namespace lbd::healthcheck

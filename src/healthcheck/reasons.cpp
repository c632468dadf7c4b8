// SPDX-License-Identifier: GPL-2.0-or-later
#include "healthcheck/reasons.hpp"

#include <fmt/format.h>
#include <boost/asio/error.hpp>

namespace lbd::healthcheck {

probe_result socket_failure(const boost::system::error_code& ec, std::string_view doing, const endpoint& target,
                            duration latency) {
  namespace err = boost::asio::error;
  const std::string t = to_string(target);
  if (ec == err::connection_refused) return probe_fail("refused", "connection refused by " + t, latency);
  if (ec == err::connection_reset) return probe_fail("reset", "connection reset by " + t, latency);
  if (ec == err::eof) return probe_fail("reset", "connection closed by " + t, latency);
  if (ec == err::host_unreachable || ec == err::network_unreachable) {
    return probe_fail("unreachable", fmt::format("{} unreachable ({})", t, ec.message()), latency);
  }
  return probe_fail("error", fmt::format("{} {}: {}", doing, t, ec.message()), latency);
}

}  // namespace lbd::healthcheck

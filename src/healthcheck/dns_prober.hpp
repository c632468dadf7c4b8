// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// dns: query a name and type with c-ares against the real server itself (not the system's
// resolvers) and expect NOERROR with at least one answer record, or a configured rcode. c-ares'
// sockets are driven by the io_context (ARES_OPT_SOCK_STATE_CB + ares_process_fd); each probe has
// its own channel, so nothing leaks between targets.
#include <boost/asio/any_io_executor.hpp>

#include <optional>
#include <string_view>

#include "healthcheck/prober.hpp"

namespace lbd::healthcheck {

// "A" -> 1, "AAAA" -> 28, ...; nullopt for a type lbd does not know.
std::optional<int> dns_type_code(std::string_view name);
// 0 -> "NOERROR", 5 -> "REFUSED", ...
std::string dns_rcode_name(unsigned rcode);

// The verdict on a raw DNS answer (header fields only), pure.
probe_result judge_dns_answer(const dns_params& p, const unsigned char* abuf, int alen, const endpoint& target,
                              duration latency);

class dns_prober final : public prober {
 public:
  explicit dns_prober(boost::asio::any_io_executor ex);
  void async_probe(const endpoint& target, const check_params& params, duration timeout,
                   probe_handler handler) override;

 private:
  boost::asio::any_io_executor ex_;
};

}  // namespace lbd::healthcheck

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// http/https through the shared curl multi handle: connects to the real server's address while
// sending the service's Host (and SNI), checks the status against the expected list, the body
// against a regex and/or a SHA-256 digest, and stops reading beyond max_body bytes. Every probe
// has a fresh easy handle and a fresh connection: nothing (connections, TLS sessions, cookies)
// carries over from one target or probe to the next.
#include "healthcheck/body_digest.hpp"
#include "healthcheck/body_regex.hpp"
#include "healthcheck/curl_multi.hpp"
#include "healthcheck/prober.hpp"

namespace lbd::healthcheck {

class http_prober final : public prober {
 public:
  explicit http_prober(curl_multi& multi) : multi_(multi) {}
  void async_probe(const endpoint& target, const check_params& params, duration timeout,
                   probe_handler handler) override;

 private:
  curl_multi& multi_;
  body_regex_cache regexes_;
};

}  // namespace lbd::healthcheck

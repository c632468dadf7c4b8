// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What to check: the target, the type-specific parameters, timing and thresholds. Two specs with
// the same canonical key are the same check and run once however many services use them.
#include <cstddef>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/address.hpp"
#include "healthcheck/scheduler.hpp"
#include "healthcheck/thresholds.hpp"

namespace lbd::healthcheck {

struct tcp_params {
  std::string send;    // bytes written once connected (may be empty)
  std::string expect;  // the reply must start with these bytes (empty: connecting is enough)
};

struct status_range {
  unsigned lo = 200;
  unsigned hi = 299;
};

struct http_params {
  bool tls = false;  // https
  std::string method = "GET";
  std::string path = "/";
  std::string host;                  // Host header and URL authority; empty: the target address
  std::vector<std::string> headers;  // extra "Name: value" lines
  std::vector<status_range> expect_status{status_range{}};
  std::string body_regex;   // ECMAScript, searched in the body
  std::string body_sha256;  // lower-case hex digest of the whole body
  std::size_t max_body = 65536;
  // TLS
  bool verify = true;
  std::string ca_file;
  std::string sni;  // name for SNI and certificate verification; empty: `host`
  std::string client_cert;
  std::string client_key;
};

enum class weight_source { none, exit_code, stdout_line };

struct script_params {
  // argv[0] is an absolute path; "{address}" and "{port}" in any element become the target's.
  std::vector<std::string> argv;
  // exit_code (keepalived's misc_dynamic): exit 0 = up with the configured weight, 1 = down,
  // 2..255 = up with weight (code - 2). stdout_line: exit 0 = up, and a first stdout line holding
  // a decimal integer sets the weight. Either way the weight is clamped to [min, max].
  weight_source dynamic_weight = weight_source::none;
  unsigned min_weight = 0;
  unsigned max_weight = 253;
};

struct udp_params {
  std::string payload;
  std::string expect_prefix;  // reply must start with it (empty: any reply)
  std::string expect_regex;   // and/or match this ECMAScript regex
};

struct dns_params {
  std::string name;
  std::string type = "A";                // A AAAA NS CNAME SOA PTR MX TXT SRV ANY
  std::optional<unsigned> expect_rcode;  // unset: NOERROR with at least one answer record
};

using check_params = std::variant<tcp_params, http_params, script_params, udp_params, dns_params>;

struct check_spec {
  endpoint target;
  check_params params;
  schedule_config timing;
  threshold_config thresholds;
};

// "tcp", "http", "https", "script", "udp", "dns".
std::string type_name(const check_params& p);
// "http 10.0.1.11:8080": names the check in log prefixes.
std::string display_name(const check_spec& s);
// Every field that changes what the check does, in a fixed order.
std::string canonical_key(const check_spec& s);

}  // namespace lbd::healthcheck

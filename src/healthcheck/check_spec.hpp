// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What to check: the type-specific parameters, timing and thresholds, and the target. Pure values
// depending only on common: the configuration loader produces them directly (check_settings) and
// the checker runs them (check_spec). Two specs with the same canonical key are the same check and
// run once however many services use them.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/address.hpp"
#include "healthcheck/scheduler.hpp"
#include "healthcheck/thresholds.hpp"

namespace lbd::healthcheck {

// type = "none": nothing is probed, the real server is always up.
struct no_check {
  friend bool operator==(const no_check&, const no_check&) = default;
};

// A check sent the way traffic goes (lbd.conf check.data_path): to the virtual server's address
// with a firewall mark that the daemon's per-server fwmark service steers, through IPVS, to one real
// server. The probe leaves from this host's own address on the path to `via` (the real server),
// never from the VIP: the reply comes from the VIP and must reach the probe's socket, not the
// director's VIP. fwmark 0: a plain check, straight to its target.
struct probe_route {
  std::uint32_t fwmark = 0;
  ip_address via;
  friend bool operator==(const probe_route&, const probe_route&) = default;
};

struct tcp_params {
  std::string send;     // bytes written once connected (may be empty)
  std::string expect;   // the reply must start with these bytes (empty: connecting is enough)
  probe_route route{};  // set by the daemon when it binds a data-path check, never by the config
  friend bool operator==(const tcp_params&, const tcp_params&) = default;
};

struct status_range {
  unsigned lo = 200;
  unsigned hi = 299;
  friend bool operator==(const status_range&, const status_range&) = default;
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
  probe_route route{};  // as tcp_params::route
  friend bool operator==(const http_params&, const http_params&) = default;
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
  // The account it runs as; "": the daemon's global.script_user (common/script_user).
  std::string user;
  std::string group;
  friend bool operator==(const script_params&, const script_params&) = default;
};

struct udp_params {
  std::string payload;
  std::string expect_prefix;  // reply must start with it (empty: any reply)
  bool require_reply = true;  // false: up unless an ICMP error comes back within the timeout (keepalived)
  friend bool operator==(const udp_params&, const udp_params&) = default;
};

struct dns_params {
  std::string name;
  std::string type = "A";                // A AAAA NS CNAME SOA PTR MX TXT SRV ANY
  std::optional<unsigned> expect_rcode;  // unset: NOERROR with at least one answer record
  bool require_answer = true;            // false: NOERROR without records is up too (keepalived)
  friend bool operator==(const dns_params&, const dns_params&) = default;
};

// no_check is last so that the probing types keep their indices.
using check_params = std::variant<tcp_params, http_params, script_params, udp_params, dns_params, no_check>;

// A check as configured, before it is bound to a real server. The real servers of a service whose
// settings are equal share one (lbd.conf resolves each server's check from the service's default).
struct check_settings {
  check_params params{no_check{}};
  schedule_config timing;
  threshold_config thresholds;
  std::optional<endpoint> connect_to;  // unset: the real server's own address
  // Sent to the virtual server's address and steered to the real server (probe_route); tcp, http
  // and https checks of dr and tun services only (the loader says so).
  bool data_path = false;
  friend bool operator==(const check_settings&, const check_settings&) = default;
};

struct check_spec {
  endpoint target;
  check_params params;
  schedule_config timing;
  threshold_config thresholds;
};

// Where a data-path check goes: the virtual server's address (its port is the check's) and the
// mark of the fwmark service holding only this real server.
struct data_path_target {
  ip_address vip;
  std::uint32_t fwmark = 0;
};

// The check of the real server at `server`: nullopt for no_check (the server is always up). The
// target is connect_to, else the server (script checks: the address their argv gets). A data_path
// check given `dp` goes to dp->vip at that target's port, routed by dp->fwmark; without `dp` (the
// daemon has no mark for it) it stays a plain check.
std::optional<check_spec> bind_check(const check_settings& s, const endpoint& server,
                                     const data_path_target* dp = nullptr);
// The route of a bound check's probe; nullptr: a plain check.
const probe_route* route_of(const check_params& p);
// Whether the check probes the network, so needs a target with a port (all but none and script).
bool probes_network(const check_params& p);

// "tcp", "http", "https", "script", "udp", "dns", "none".
std::string type_name(const check_params& p);
// "http 10.0.1.11:8080": names the check in log prefixes.
std::string display_name(const check_spec& s);
// Every field that changes what the check does, in a fixed order.
std::string canonical_key(const check_spec& s);

// DNS response codes by name ("NXDOMAIN" -> 3), the ones a check may expect; nullopt/"" otherwise.
std::optional<unsigned> dns_rcode(std::string_view name);
std::string_view dns_rcode_spelling(unsigned rcode);

}  // namespace lbd::healthcheck

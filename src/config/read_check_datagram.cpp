// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/read_check_datagram.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "common/quote.hpp"
#include "config/suggest.hpp"

namespace lbd::config::detail {
namespace {

namespace hc = healthcheck;

constexpr std::array<std::string_view, 11> dns_query_types{"A",   "AAAA", "CNAME", "MX",  "NS", "PTR",
                                                           "SOA", "SRV",  "TXT",   "CAA", "ANY"};
constexpr std::array<std::string_view, 6> dns_rcodes{"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"};

template <std::size_t N>
std::optional<std::string> read_one_of(const table_reader& r, std::string_view key,
                                       const std::array<std::string_view, N>& allowed) {
  auto s = r.string(key);
  if (!s) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), *s) != allowed.end()) return s;
  r.error(key, fmt::format("{} is not valid{}", quote_value(*s), suggestion(*s, allowed)));
  return std::nullopt;
}

}  // namespace

void read_udp(const table_reader& r, hc::udp_params& p, bool fresh) {
  if (auto v = r.string("send")) p.payload = *v;
  if (auto v = r.string("expect")) p.expect_prefix = *v;
  if (auto v = r.boolean("require_reply")) p.require_reply = *v;
  // Without a reply to wait for, an empty datagram is a probe too (keepalived's UDP_CHECK default).
  if (p.require_reply && p.payload.empty() && (fresh || r.has("send"))) {
    r.error(r.has("send") ? "send" : "type", "a udp check that requires a reply needs a non-empty 'send' payload");
  }
  if (!p.require_reply && !p.expect_prefix.empty()) {
    r.error("expect", "'expect' needs require_reply = true: without a reply there is nothing to compare");
  }
}

void read_dns(const table_reader& r, hc::dns_params& p, bool fresh) {
  if (auto v = r.word("name")) {
    if (v->size() > 253 || v->find(' ') != std::string::npos) {
      r.error("name", fmt::format("{} is not a DNS name", quote_value(*v)));
    } else {
      p.name = *v;
    }
  }
  if (fresh && !r.has("name")) r.missing("name");
  if (auto v = read_one_of(r, "query_type", dns_query_types)) p.type = *v;
  // NOERROR means a usable answer: the prober's default also wants at least one record, unless
  // require_answer = false (keepalived's DNS_CHECK takes any NOERROR).
  if (auto v = read_one_of(r, "expect_rcode", dns_rcodes)) p.expect_rcode = hc::dns_rcode(*v);
  if (p.expect_rcode == 0U) p.expect_rcode.reset();
  if (auto v = r.boolean("require_answer")) p.require_answer = *v;
}

}  // namespace lbd::config::detail

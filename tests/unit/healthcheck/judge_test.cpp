// SPDX-License-Identifier: GPL-2.0-or-later
// Pure verdicts of the probers: script exit codes and dynamic weights, DNS answer headers, digests.
#include <gtest/gtest.h>
#include <sys/epoll.h>

#include <cerrno>

#include <array>

#include "healthcheck/dns_prober.hpp"
#include "healthcheck/http_prober.hpp"
#include "healthcheck/probe_socket.hpp"
#include "healthcheck/script_prober.hpp"

namespace lbd::healthcheck {
namespace {

process::outcome exited(int code, std::string out = {}) {
  process::outcome o;
  o.started = true;
  o.exit_code = code;
  o.out = std::move(out);
  return o;
}

script_params dynamic(weight_source src, unsigned lo, unsigned hi) {
  script_params p;
  p.argv = {"/usr/local/bin/check"};
  p.dynamic_weight = src;
  p.min_weight = lo;
  p.max_weight = hi;
  return p;
}

TEST(ScriptJudge, ExitZeroUpOtherwiseDown) {
  script_params p;
  p.argv = {"/bin/check"};
  EXPECT_TRUE(judge_script(p, exited(0), "1s").ok);
  auto r = judge_script(p, exited(3), "1s");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "/bin/check exit 3");
  EXPECT_FALSE(r.weight.has_value());
}

TEST(ScriptJudge, ExitCodeWeightsAreClamped) {
  const auto p = dynamic(weight_source::exit_code, 1, 50);
  EXPECT_FALSE(judge_script(p, exited(1), "1s").ok);
  auto r = judge_script(p, exited(0), "1s");
  EXPECT_TRUE(r.ok);
  EXPECT_FALSE(r.weight.has_value());  // back to the configured weight, as keepalived does
  EXPECT_TRUE(r.configured_weight);
  r = judge_script(p, exited(12), "1s");
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.weight, 10U);
  EXPECT_EQ(judge_script(p, exited(2), "1s").weight, 1U);     // 0 clamped up to the minimum
  EXPECT_EQ(judge_script(p, exited(255), "1s").weight, 50U);  // 253 clamped down to the maximum
}

TEST(ScriptJudge, StdoutWeightsAreClamped) {
  const auto p = dynamic(weight_source::stdout_line, 0, 100);
  EXPECT_EQ(judge_script(p, exited(0, "42\n"), "1s").weight, 42U);
  EXPECT_EQ(judge_script(p, exited(0, " 7 \nignored"), "1s").weight, 7U);
  EXPECT_EQ(judge_script(p, exited(0, "100000\n"), "1s").weight, 100U);
  EXPECT_EQ(judge_script(p, exited(0, "-5\n"), "1s").weight, 0U);
  auto r = judge_script(p, exited(0, "lots of weight\n"), "1s");
  EXPECT_TRUE(r.ok);
  EXPECT_FALSE(r.weight.has_value());  // the weight stays what it was
  EXPECT_FALSE(r.configured_weight);
  EXPECT_FALSE(judge_script(p, exited(1, "42\n"), "1s").ok);
}

TEST(ScriptJudge, TimeoutAndSpawnFailure) {
  script_params p;
  p.argv = {"/bin/check"};
  process::outcome o;
  o.started = true;
  o.timed_out = true;
  o.signal = 9;
  auto r = judge_script(p, o, "2s");
  EXPECT_EQ(r.kind, "timeout");
  EXPECT_EQ(r.reason, "/bin/check timed out after 2s, process group killed");
  process::outcome f;
  f.error = "spawn /bin/check: No such file or directory";
  r = judge_script(p, f, "2s");
  EXPECT_EQ(r.kind, "error");
  EXPECT_NE(r.reason.find("No such file"), std::string::npos);
}

std::array<unsigned char, 12> dns_header(unsigned rcode, unsigned ancount) {
  return {0x12, 0x34, 0x81, static_cast<unsigned char>(0x80 | rcode), 0, 1, 0, static_cast<unsigned char>(ancount), 0,
          0,    0,    0};
}

TEST(DnsJudge, DefaultExpectsNoerrorWithAnAnswer) {
  dns_params p;
  p.name = "example.test";
  const auto target = parse_endpoint("127.0.0.1:5353").value();
  auto h = dns_header(0, 1);
  auto r = judge_dns_answer(p, h.data(), 12, target, {});
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.reason, "NOERROR with 1 answer from 127.0.0.1:5353");
  h = dns_header(0, 0);
  EXPECT_FALSE(judge_dns_answer(p, h.data(), 12, target, {}).ok);
  h = dns_header(5, 0);
  r = judge_dns_answer(p, h.data(), 12, target, {});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "REFUSED with 0 answers from 127.0.0.1:5353 (expected NOERROR with an answer)");
  EXPECT_FALSE(judge_dns_answer(p, h.data(), 11, target, {}).ok);
}

// keepalived's DNS_CHECK: any NOERROR answer, records or not.
TEST(DnsJudge, NoerrorWithoutRecordsWhenNoAnswerIsRequired) {
  dns_params p;
  p.name = "example.test";
  p.require_answer = false;
  const auto target = parse_endpoint("127.0.0.1:53").value();
  auto h = dns_header(0, 0);
  auto r = judge_dns_answer(p, h.data(), 12, target, {});
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.reason, "NOERROR with 0 answers from 127.0.0.1:53");
  h = dns_header(2, 0);
  r = judge_dns_answer(p, h.data(), 12, target, {});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "SERVFAIL with 0 answers from 127.0.0.1:53 (expected NOERROR)");
}

TEST(DnsJudge, ConfiguredRcode) {
  dns_params p;
  p.expect_rcode = 3;
  const auto target = parse_endpoint("127.0.0.1:53").value();
  auto h = dns_header(3, 0);
  EXPECT_TRUE(judge_dns_answer(p, h.data(), 12, target, {}).ok);
  h = dns_header(0, 1);
  EXPECT_FALSE(judge_dns_answer(p, h.data(), 12, target, {}).ok);
}

TEST(DnsJudge, TypeNames) {
  EXPECT_EQ(dns_type_code("AAAA"), 28);
  EXPECT_FALSE(dns_type_code("BOGUS").has_value());
  EXPECT_EQ(dns_rcode_name(2), "SERVFAIL");
  EXPECT_EQ(dns_rcode_name(15), "RCODE15");
}

TEST(Digest, Sha256OfKnownInput) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ReusedConnect, AStaleResetEventWithThePeerThereIsAConnectionNotAWait) {
  // The reset that ended the slot's last probe raised EPOLLERR; by the time the event is read the
  // new connect has completed (EPOLLOUT in the same edge). Waiting for another edge would time the
  // probe out against a server that answered.
  EXPECT_EQ(reused_connect_event(EPOLLERR | EPOLLOUT, 0, true), connect_progress::connected);
  EXPECT_EQ(reused_connect_event(EPOLLERR | EPOLLHUP, 0, true), connect_progress::connected);
  // Still in SYN-SENT: no peer yet, the connect goes on.
  EXPECT_EQ(reused_connect_event(EPOLLERR, 0, false), connect_progress::in_progress);
  // A real failure is one.
  EXPECT_EQ(reused_connect_event(EPOLLERR | EPOLLOUT, ECONNREFUSED, false), connect_progress::failed);
  EXPECT_EQ(reused_connect_event(EPOLLHUP, ETIMEDOUT, false), connect_progress::failed);
  // No failure in the event: as for a fresh socket.
  EXPECT_EQ(reused_connect_event(EPOLLOUT, 0, false), connect_progress::connected);
  EXPECT_EQ(reused_connect_event(EPOLLIN, 0, false), connect_progress::in_progress);
}

}  // namespace
}  // namespace lbd::healthcheck

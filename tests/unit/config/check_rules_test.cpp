// SPDX-License-Identifier: GPL-2.0-or-later
// check tables of services and real servers: one failing input per rule.
#include "rule_case.hpp"

namespace lbd::config::test {
namespace {

class check_rule : public testing::TestWithParam<rule_case> {};
TEST_P(check_rule, is_reported_at_its_position) { expect_rule(GetParam()); }

// Lines 1-3; `check = { ... }` is on line 4, the real server on lines 5-6.
#define VS "[[virtual_server]]\nname = \"http\"\naddress = \"192.0.2.10:80\"\n"
#define RS "[[virtual_server.real_server]]\naddress = \"10.0.1.11:8080\"\n"

INSTANTIATE_TEST_SUITE_P(
    config, check_rule,
    testing::Values(
        rule_case{"type_required", VS "check = { interval = \"2s\" }\n" RS, "4:9",
                  "virtual_server[http].check: missing required key 'type'"},
        rule_case{"type_value", VS "check = { type = \"htp\" }\n" RS, "4:18",
                  "virtual_server[http].check.type: 'htp' is not valid; did you mean 'http'?"},
        rule_case{"key_of_another_type", VS "check = { type = \"tcp\", path = \"/\" }\n" RS, "4:25",
                  "virtual_server[http].check.path: is only valid for http and https checks, not for a tcp check"},
        rule_case{"tls_only_for_https", VS "check = { type = \"http\", tls = { verify = false } }\n" RS, "4:26",
                  "virtual_server[http].check.tls: is only valid for https checks, not for a http check"},
        rule_case{"user_only_for_scripts", VS "check = { type = \"tcp\", user = \"nobody\" }\n" RS, "4:25",
                  "virtual_server[http].check.user: is only valid for script checks, not for a tcp check"},
        rule_case{"script_user_exists",
                  VS "check = { type = \"script\", command = [\"/bin/true\"], user = \"no-such\" }\n" RS, "4:60",
                  "virtual_server[http].check.user: no account 'no-such' on this system"},
        rule_case{"unknown_key", VS "check = { type = \"tcp\", intervall = \"2s\" }\n" RS, "4:25",
                  "virtual_server[http].check.intervall: unknown key; did you mean 'interval'?"},
        rule_case{"timeout_below_interval", VS "check = { type = \"tcp\", interval = \"1s\", timeout = \"2s\" }\n" RS,
                  "4:52", "virtual_server[http].check.timeout: timeout 2s must be shorter than interval 1s"},
        rule_case{"rise_at_least_one", VS "check = { type = \"tcp\", rise = 0 }\n" RS, "4:32",
                  "virtual_server[http].check.rise: 0 is out of range 1-65535"},
        rule_case{"fall_type", VS "check = { type = \"tcp\", fall = 2.5 }\n" RS, "4:32",
                  "virtual_server[http].check.fall: expected an integer, got a float"},
        rule_case{"initial_state_value", VS "check = { type = \"tcp\", initial_state = \"maybe\" }\n" RS, "4:41",
                  "virtual_server[http].check.initial_state: 'maybe' is not valid; expected up or down"},
        rule_case{"retry_delay_positive", VS "check = { type = \"tcp\", retry_delay = \"0s\" }\n" RS, "4:39",
                  "virtual_server[http].check.retry_delay: 0s is below the minimum 10ms"},
        rule_case{"interval_lower_bound", VS "check = { type = \"tcp\", interval = \"2ns\" }\n" RS, "4:36",
                  "virtual_server[http].check.interval: 2ns is below the minimum 10ms (a check more often than this "
                  "only keeps the daemon busy)"},
        rule_case{"timeout_lower_bound", VS "check = { type = \"tcp\", timeout = \"999us\" }\n" RS, "4:35",
                  "virtual_server[http].check.timeout: 999us is below the minimum 1ms"},
        rule_case{"retry_delay_lower_bound", VS "check = { type = \"tcp\", retry_delay = \"9ms\" }\n" RS, "4:39",
                  "virtual_server[http].check.retry_delay: 9ms is below the minimum 10ms"},
        // Refused, not rounded to 2s.
        rule_case{"interval_exact", VS "check = { type = \"tcp\", interval = \"1.999999999999s\" }\n" RS, "4:36",
                  "virtual_server[http].check.interval: '1.999999999999s' is finer than a nanosecond"},
        rule_case{"connect_to_needs_port", VS "check = { type = \"tcp\", connect_to = \"10.0.1.11\" }\n" RS, "4:38",
                  "virtual_server[http].check.connect_to: '10.0.1.11' needs a port"},
        rule_case{"expect_status_range_order", VS "check = { type = \"http\", expect_status = [\"299-200\"] }\n" RS,
                  "4:43", "virtual_server[http].check.expect_status[0]: '299-200' is not a range of statuses"},
        rule_case{"expect_status_value", VS "check = { type = \"http\", expect_status = [700] }\n" RS, "4:43",
                  "virtual_server[http].check.expect_status[0]: 700 is out of range 100-599"},
        rule_case{"expect_status_not_empty", VS "check = { type = \"http\", expect_status = [] }\n" RS, "4:42",
                  "virtual_server[http].check.expect_status: must list at least one status"},
        rule_case{"path_starts_with_slash", VS "check = { type = \"http\", path = \"healthz\" }\n" RS, "4:33",
                  "virtual_server[http].check.path: 'healthz' must start with '/'"},
        rule_case{"method_token", VS "check = { type = \"http\", method = \"GET /\" }\n" RS, "4:35",
                  "virtual_server[http].check.method: 'GET /' is not an HTTP method"},
        rule_case{"header_value_line_break", VS "check = { type = \"http\", headers = { X-A = \"a\\nb\" } }\n" RS,
                  "4:44", "virtual_server[http].check.headers.X-A: header values must not contain line breaks"},
        rule_case{"body_sha256_hex", VS "check = { type = \"http\", body_sha256 = \"abc\" }\n" RS, "4:40",
                  "virtual_server[http].check.body_sha256: must be 64 hexadecimal digits"},
        // PCRE2's message, and the column where it stopped within the pattern ("(ok" starts at 39).
        rule_case{"body_regex_valid", VS "check = { type = \"http\", body_regex = \"(ok\" }\n" RS, "4:43",
                  "virtual_server[http].check.body_regex: is not a valid PCRE2 regular expression: missing closing "
                  "parenthesis at offset 3 (after '(ok')"},
        rule_case{"body_regex_literal_string", VS "check = { type = \"http\", body_regex = 'o[k' }\n" RS, "4:43",
                  "virtual_server[http].check.body_regex: is not a valid PCRE2 regular expression: missing terminating "
                  "] for character class at offset 3 (after 'o[k')"},
        // With an escape the text in the file is longer than the pattern: the value's position.
        rule_case{"body_regex_escaped", VS "check = { type = \"http\", body_regex = \"a\\\\\" }\n" RS, "4:39",
                  "virtual_server[http].check.body_regex: is not a valid PCRE2 regular expression: \\ at end of "
                  "pattern at offset 2 (after 'a\\')"},
        rule_case{"body_regex_repetition_bounds",
                  VS "check = { type = \"http\", body_regex = \"((a{1,100}){1,100}){1,100}\" }\n" RS, "4:66",
                  "virtual_server[http].check.body_regex: is not a valid PCRE2 regular expression: regular expression "
                  "is too large at offset 26"},
        rule_case{"max_body_bytes_range", VS "check = { type = \"http\", max_body_bytes = 0 }\n" RS, "4:43",
                  "virtual_server[http].check.max_body_bytes: 0 is out of range 1-16777216"},
        rule_case{"tls_client_cert_and_key",
                  VS "check = { type = \"https\", tls = { client_cert = \"/etc/lbd/c.pem\" } }\n" RS, "4:49",
                  "virtual_server[http].check.tls.client_cert: client_cert and client_key go together"},
        rule_case{"script_needs_command", VS "check = { type = \"script\" }\n" RS, "4:9",
                  "virtual_server[http].check: missing required key 'command'"},
        rule_case{"script_has_no_connect_to",
                  VS "check = { type = \"script\", command = [\"/bin/true\"], connect_to = \"10.0.1.1:80\" }\n" RS,
                  "4:53", "virtual_server[http].check.connect_to: unknown key"},
        rule_case{
            "dynamic_weight_order",
            VS "check = { type = \"script\", command = [\"/bin/true\"], dynamic_weight = { min = 5, max = 1 } }\n" RS,
            "4:78", "virtual_server[http].check.dynamic_weight.min: min 5 is above max 1"},
        rule_case{
            "udp_needs_send", VS "check = { type = \"udp\" }\n" RS, "4:18",
            "virtual_server[http].check.type: a udp check that requires a reply needs a non-empty 'send' payload"},
        rule_case{"udp_expect_needs_reply",
                  VS "check = { type = \"udp\", send = \"\", require_reply = false, expect = \"x\" }\n" RS, "4:68",
                  "virtual_server[http].check.expect: 'expect' needs require_reply = true: without a reply there is "
                  "nothing to compare"},
        rule_case{"dns_needs_name", VS "check = { type = \"dns\" }\n" RS, "4:9",
                  "virtual_server[http].check: missing required key 'name'"},
        rule_case{"dns_query_type", VS "check = { type = \"dns\", name = \"example.com\", query_type = \"AAA\" }\n" RS,
                  "4:60", "virtual_server[http].check.query_type: 'AAA' is not valid; did you mean 'AAAA'?"},
        rule_case{"dns_rcode",
                  VS "check = { type = \"dns\", name = \"example.com\", expect_rcode = \"NXDOMIAN\" }\n" RS, "4:62",
                  "virtual_server[http].check.expect_rcode: 'NXDOMIAN' is not valid; did you mean 'NXDOMAIN'?"},
        rule_case{
            "override_key_of_inherited_type", VS "check = { type = \"tcp\" }\n" RS "check = { path = \"/x\" }\n",
            "7:11",
            "virtual_server[http].real_server[10.0.1.11:8080].check.path: is only valid for http and https checks"},
        rule_case{"override_timeout_against_inherited_interval",
                  VS "check = { type = \"tcp\", interval = \"2s\" }\n" RS "check = { timeout = \"3s\" }\n", "7:21",
                  "virtual_server[http].real_server[10.0.1.11:8080].check.timeout: timeout 3s must be shorter than "
                  "interval 2s"}),
    name_of_case);

// A huge value is quoted by a prefix and its length, not echoed whole.
TEST(check_quotes, a_long_value_is_quoted_by_its_prefix) {
  const std::string method(100'000, 'A');
  const std::string toml = std::string(VS "check = { type = \"http\", method = \"") + method + "\" }\n" RS;
  auto r = load_string(toml, "t.conf", load_options{"test-node"});
  ASSERT_EQ(r.error_count(), 1U) << dump(r).substr(0, 1000);
  for (const auto& d : r.diagnostics) {
    if (d.level != severity::error) continue;
    EXPECT_EQ(d.message, "virtual_server[http].check.method: '" + std::string(64, 'A') +
                             "…' (100000 bytes) is not an HTTP method");
  }
  const std::string interval = std::string(50'000, '1') + "s";
  auto r2 = load_string(std::string(VS "check = { type = \"tcp\", interval = \"") + interval + "\" }\n" RS, "t.conf",
                        load_options{"test-node"});
  ASSERT_EQ(r2.error_count(), 1U);
  for (const auto& d : r2.diagnostics) {
    if (d.level == severity::error) {
      EXPECT_LT(d.message.size(), 200U) << d.message.substr(0, 300);
    }
  }
}

// What POSIX regcomp refused or read otherwise than the check's engine now passes as the check
// will run it (PCRE2 both sides; common/pcre_regex_test shows the matching).
TEST(check_body_regex, pcre2_patterns_pass_validation_unchanged) {
  for (const char* pattern : {"o{,3}k", "o[]k]", "(?i)^healthy$", "\\d+ ok", "build [0-9]+"}) {
    std::string toml = std::string(VS "check = { type = \"http\", body_regex = '") + pattern + "' }\n" RS;
    auto r = load_string(toml, "t.conf", load_options{"test-node"});
    EXPECT_TRUE(r.ok()) << pattern << "\n" << dump(r);
    EXPECT_EQ(r.error_count(), 0U) << pattern << "\n" << dump(r);
  }
}

}  // namespace
}  // namespace lbd::config::test

// The CI builds compile several test files as one translation unit.
#undef RS
#undef VS

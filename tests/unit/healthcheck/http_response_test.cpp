// SPDX-License-Identifier: GPL-2.0-or-later
// The plain-http prober's pure parts: the response parser (framing, limits, malformed answers),
// the request it writes and the verdict on a response.
#include <gtest/gtest.h>

#include "healthcheck/body_digest.hpp"
#include "healthcheck/http_response.hpp"
#include "healthcheck/plain_http_prober.hpp"

namespace lbd::healthcheck {
namespace {

using parser = http_response_parser;
using state = parser::state;
using failure = parser::failure;

http_response_limits limits(std::size_t max_body = 65536, bool head = false) {
  return http_response_limits{16384, max_body, true, head};
}

// Feeds `text` whole, then split at every position, then byte by byte: the outcome must not
// depend on how the bytes arrive.
struct outcome {
  state st;
  failure why;
  unsigned status;
  std::string body;
};
outcome parse(std::string_view text, http_response_limits l = limits(), bool close = false) {
  parser p(l);
  p.feed(text);
  if (close) p.finish();
  const outcome whole{p.current(), p.why(), p.status(), p.body()};
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    parser q(l);
    q.feed(text.substr(0, cut));
    q.feed(text.substr(cut));
    if (close) q.finish();
    EXPECT_EQ(q.current(), whole.st) << "split at " << cut;
    EXPECT_EQ(q.body(), whole.body) << "split at " << cut;
  }
  parser b(l);
  for (char c : text) b.feed(std::string_view(&c, 1));
  if (close) b.finish();
  EXPECT_EQ(b.current(), whole.st) << "byte by byte";
  EXPECT_EQ(b.status(), whole.status) << "byte by byte";
  EXPECT_EQ(b.body(), whole.body) << "byte by byte";
  return whole;
}

TEST(HttpResponse, ContentLength) {
  const auto r = parse("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n");
  EXPECT_EQ(r.st, state::done);
  EXPECT_EQ(r.status, 200U);
  EXPECT_EQ(r.body, "ok\n");
}

TEST(HttpResponse, BytesAfterTheResponseAreIgnored) {
  const auto r = parse("HTTP/1.0 503 Service Unavailable\r\nContent-Length: 2\r\n\r\nnoEXTRA");
  EXPECT_EQ(r.st, state::done);
  EXPECT_EQ(r.status, 503U);
  EXPECT_EQ(r.body, "no");
}

TEST(HttpResponse, NeedsTheWholeBody) {
  parser p(limits());
  EXPECT_EQ(p.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"), state::need_more);
  EXPECT_EQ(p.finish(), state::failed);
  EXPECT_EQ(p.why(), failure::malformed);
  EXPECT_EQ(p.reason(), "connection closed after 3 of 10 body bytes");
}

TEST(HttpResponse, BareLineFeeds) {
  const auto r = parse("HTTP/1.1 204 No Content\nServer: x\n\n");
  EXPECT_EQ(r.st, state::done);
  EXPECT_EQ(r.status, 204U);
}

TEST(HttpResponse, Chunked) {
  const auto r = parse(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 99\r\n\r\n"
      "4\r\nheal\r\n3;ext=1\r\nthy\r\nA \r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n");
  EXPECT_EQ(r.st, state::done);
  EXPECT_EQ(r.body, "healthy0123456789");
}

TEST(HttpResponse, ChunkedErrors) {
  auto r = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
  EXPECT_EQ(r.st, state::failed);
  EXPECT_EQ(r.why, failure::malformed);
  r = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n");
  EXPECT_EQ(r.st, state::failed);
  r = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n");
  EXPECT_EQ(r.st, state::failed);
  r = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + std::string(2000, '1'));
  EXPECT_EQ(r.st, state::failed);
  r = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", limits(), true);
  EXPECT_EQ(r.st, state::failed);
  EXPECT_EQ(r.why, failure::malformed);
}

TEST(HttpResponse, CloseDelimited) {
  auto r = parse("HTTP/1.0 200 OK\r\n\r\nuntil the end", limits(), true);
  EXPECT_EQ(r.st, state::done);
  EXPECT_EQ(r.body, "until the end");
  // Another coding than chunked last: the close ends the body too.
  r = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzzz", limits(), true);
  EXPECT_EQ(r.st, state::done);
  EXPECT_EQ(r.body, "zzz");
}

TEST(HttpResponse, InterimResponsesAreSkipped) {
  const auto r = parse(
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\n"
      "HTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\n!");
  EXPECT_EQ(r.st, state::done);
  EXPECT_EQ(r.status, 201U);
  EXPECT_EQ(r.body, "!");
}

TEST(HttpResponse, NoBodyForHeadOr304) {
  auto r = parse("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", limits(10, true));
  EXPECT_EQ(r.st, state::done);
  r = parse("HTTP/1.1 304 Not Modified\r\nContent-Length: 1000\r\n\r\n", limits(10));
  EXPECT_EQ(r.st, state::done);
}

TEST(HttpResponse, BodyLimit) {
  // Known from the Content-Length, before any body byte.
  parser p(limits(100));
  EXPECT_EQ(p.feed("HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n"), state::failed);
  EXPECT_EQ(p.why(), failure::too_large);
  EXPECT_EQ(p.reason(), "body larger than 100 bytes");
  // Exactly the limit is fine.
  EXPECT_EQ(parse("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd", limits(4)).st, state::done);
  // Chunked and close-delimited bodies as the bytes come.
  auto r = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n", limits(5));
  EXPECT_EQ(r.why, failure::too_large);
  r = parse("HTTP/1.0 200 OK\r\n\r\nabcdef", limits(5));
  EXPECT_EQ(r.why, failure::too_large);
}

TEST(HttpResponse, BodyCountedWithoutBeingKept) {
  parser p(http_response_limits{16384, 100, false, false});
  EXPECT_EQ(p.feed("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"), state::done);
  EXPECT_EQ(p.body_size(), 5U);
  EXPECT_EQ(p.body(), "");
}

TEST(HttpResponse, MalformedAnswersFailWithAReason) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {std::string("\x00\x01SSH-2.0-OpenSSH_9.2\r\n\r\n", 25), "not an HTTP/1.x status line"},
      {"HTTP/2 200\r\n\r\n", "not an HTTP/1.x status line"},
      {"HTTP/1.1 20 OK\r\n\r\n", "not an HTTP/1.x status line"},
      {"HTTP/1.1 099 Low\r\n\r\n", "not an HTTP/1.x status line"},
      {"HTTP/1.1 200OK\r\n\r\n", "not an HTTP/1.x status line"},
      {"http/1.1 200 OK\r\n\r\n", "not an HTTP/1.x status line"},
      {"HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n", "bad header line"},
      {"HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n", "bad header line"},
      {"HTTP/1.1 200 OK\r\n: empty name\r\n\r\n", "bad header line"},
      {"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "bad Content-Length"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n", "bad Content-Length"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", "bad Content-Length"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "conflicting Content-Length headers"},
  };
  for (const auto& [text, reason] : cases) {
    parser p(limits());
    EXPECT_EQ(p.feed(text), state::failed) << text;
    EXPECT_EQ(p.why(), failure::malformed) << text;
    EXPECT_EQ(p.reason(), reason) << text;
  }
}

TEST(HttpResponse, HeadTooLarge) {
  parser p(http_response_limits{64, 100, true, false});
  EXPECT_EQ(p.feed("HTTP/1.1 200 OK\r\nX: " + std::string(100, 'a')), state::failed);
  EXPECT_EQ(p.reason(), "response head larger than 64 bytes");
}

TEST(HttpResponse, EmptyAndTruncated) {
  parser p(limits());
  EXPECT_EQ(p.finish(), state::failed);
  EXPECT_EQ(p.why(), failure::empty);
  p.reset(limits());
  p.feed("HTTP/1.1 200 OK\r\nContent-");
  EXPECT_EQ(p.finish(), state::failed);
  EXPECT_EQ(p.why(), failure::malformed);
  EXPECT_EQ(p.reason(), "connection closed inside the response head");
  // reset() starts over.
  p.reset(limits());
  EXPECT_EQ(p.feed("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), state::done);
}

TEST(HttpResponse, BodyBufferNeverOutgrowsItsLimitAndIsReleased) {
  // A close-delimited body arriving in 16 KiB reads: doubling would reach twice the limit.
  const std::size_t limit = 1000000;
  parser p(limits(limit));
  p.feed("HTTP/1.1 200 OK\r\n\r\n");
  const std::string read(16384, 'x');
  while (p.feed(read) == state::need_more) EXPECT_LE(p.body().capacity(), limit);
  EXPECT_EQ(p.why(), failure::too_large);
  EXPECT_TRUE(p.release_memory(65536));  // the grown buffer goes back
  EXPECT_LE(p.body().capacity(), 65536U);
  // A body that fits its Content-Length is held in exactly that much.
  p.reset(limits(limit));
  p.feed("HTTP/1.1 200 OK\r\nContent-Length: 300000\r\n\r\n");
  EXPECT_EQ(p.feed(std::string(300000, 'y')), state::done);
  EXPECT_EQ(p.body().size(), 300000U);
  EXPECT_LT(p.body().capacity(), 300000U + 64);
  // Small buffers are kept for the next response.
  EXPECT_TRUE(p.release_memory(65536));
  p.reset(limits());
  EXPECT_EQ(p.feed("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"), state::done);
  EXPECT_FALSE(p.release_memory(65536));
  EXPECT_EQ(p.body(), "hello");
}

endpoint target(const char* addr, std::uint16_t port) { return endpoint{boost::asio::ip::make_address(addr), port}; }

TEST(HttpRequest, DefaultsAndServiceHost) {
  std::string out;
  http_params p;
  format_http_request(out, p, target("10.0.1.11", 8080));
  EXPECT_EQ(out,
            "GET / HTTP/1.1\r\nHost: 10.0.1.11:8080\r\nUser-Agent: lbd-healthcheck\r\nAccept: */*\r\n"
            "Connection: close\r\n\r\n");
  p.method = "HEAD";
  p.path = "/healthz?deep=1";
  p.host = "www.example.test";
  p.headers = {"X-Check: lbd", "user-agent: probe/2", "Accept:"};
  format_http_request(out, p, target("2001:db8::1", 80));
  EXPECT_EQ(out,
            "HEAD /healthz?deep=1 HTTP/1.1\r\nHost: www.example.test\r\nConnection: close\r\nX-Check: lbd\r\n"
            "user-agent: probe/2\r\n\r\n");
  p.host.clear();
  p.headers.clear();
  format_http_request(out, p, target("2001:db8::1", 80));
  EXPECT_EQ(out.rfind("HEAD /healthz?deep=1 HTTP/1.1\r\nHost: [2001:db8::1]\r\n", 0), 0U) << out;
  format_http_request(out, p, target("2001:db8::1", 8080));
  EXPECT_EQ(out.rfind("HEAD /healthz?deep=1 HTTP/1.1\r\nHost: [2001:db8::1]:8080\r\n", 0), 0U) << out;
  format_http_request(out, p, target("10.0.1.11", 80));
  EXPECT_EQ(out.rfind("HEAD /healthz?deep=1 HTTP/1.1\r\nHost: 10.0.1.11\r\n", 0), 0U) << out;
}

TEST(HttpVerdict, StatusRegexDigest) {
  const auto t = target("10.0.1.11", 8080);
  const std::vector<status_range> ok{{200, 299}};
  auto r = judge_http_response(200, "fine", ok, nullptr, "", t, duration::zero());
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.reason, "HTTP 200 from 10.0.1.11:8080");
  r = judge_http_response(503, "fine", ok, nullptr, "", t, duration::zero());
  EXPECT_EQ(r.kind, "status");
  EXPECT_EQ(r.reason, "HTTP 503 from 10.0.1.11:8080");
  auto re = pcre_regex::compile("^fi");
  ASSERT_TRUE(re.has_value());
  EXPECT_TRUE(judge_http_response(200, "fine", ok, &*re, "", t, duration::zero()).ok);
  r = judge_http_response(200, "nope", ok, &*re, "", t, duration::zero());
  EXPECT_EQ(r.kind, "body");
  EXPECT_EQ(r.reason, "body does not match /^fi/ (HTTP 200 from 10.0.1.11:8080)");
  EXPECT_TRUE(judge_http_response(200, "fine", ok, nullptr, sha256_hex("fine"), t, duration::zero()).ok);
  r = judge_http_response(200, "fine", ok, nullptr, sha256_hex("other"), t, duration::zero());
  EXPECT_EQ(r.kind, "body");
}

// A catastrophic pattern on a body made for it stops at the match limit: a failed check with a
// reason, within milliseconds, not a spinning event loop.
TEST(HttpVerdict, RegexMatchLimitIsAFailedCheck) {
  const auto t = target("10.0.1.11", 8080);
  const std::vector<status_range> ok{{200, 299}};
  auto re = pcre_regex::compile("(a|aa)+$");
  ASSERT_TRUE(re.has_value());
  const std::string body = std::string(4096, 'a') + "!";
  const auto started = std::chrono::steady_clock::now();
  auto r = judge_http_response(200, body, ok, &*re, "", t, duration::zero());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.kind, "body");
  EXPECT_EQ(r.reason,
            "body regex /(a|aa)+$/ gave up on 4097 bytes: match limit exceeded (HTTP 200 from 10.0.1.11:8080)");
}

TEST(HttpVerdict, InvalidRegexIsCompiledOnceAndExplained) {
  body_regex_cache cache;
  const auto& bad = cache.get("([unclosed");
  EXPECT_EQ(bad.regex, nullptr);
  EXPECT_EQ(bad.error, "missing terminating ] for character class at offset 10 (after '([unclosed')");
  EXPECT_EQ(invalid_body_regex("([unclosed", bad.error).reason,
            "invalid body regex /([unclosed/: missing terminating ] for character class at offset 10 (after "
            "'([unclosed')");
  const auto& good = cache.get("o[]k]");
  ASSERT_NE(good.regex, nullptr);
  EXPECT_EQ(cache.get("o[]k]").regex, good.regex);  // compiled once
  EXPECT_EQ(cache.get("").regex, nullptr);
  EXPECT_TRUE(cache.get("").error.empty());
}

}  // namespace
}  // namespace lbd::healthcheck

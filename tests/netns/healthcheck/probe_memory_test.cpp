// SPDX-License-Identifier: GPL-2.0-or-later
// Memory bound of the http probers against hostile servers: a real local server answers every
// check with 100 MB of body (close-delimited or chunked, so only the reader's limit stops it),
// the check keeps its body (a digest needs it) up to an 8 MiB limit, and many checks run, several
// at once. The body limit decides the result at once, and nothing a probe grew stays with the
// prober afterwards: the process' resident size ends within 10 MB of where it started. A memory
// bound, not a timing one. Its own executable: the figures are the process', no other test's.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <string>

#include "healthcheck/body_digest.hpp"
#include "healthcheck/curl_multi.hpp"
#include "healthcheck/http_prober.hpp"
#include "healthcheck/plain_http_prober.hpp"
#include "support.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define LBD_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LBD_TEST_ASAN 1
#endif
#endif

#ifdef LBD_TEST_ASAN
// AddressSanitizer keeps freed blocks in a quarantine of 256 MB by default, which is resident
// memory of its own; a small one keeps the figures about lbd's buffers.
// NOLINTNEXTLINE(readability-identifier-naming): the sanitizer's hook
extern "C" const char* __asan_default_options() { return "quarantine_size_mb=1:thread_local_quarantine_size_kb=64"; }
#endif

namespace lbd::healthcheck {
namespace {

using std::chrono::seconds;
using test::local_server;

constexpr std::size_t mib = std::size_t{1} << 20;
constexpr std::size_t hostile_bytes = 100'000'000;
constexpr std::size_t body_limit = 8 * mib;

// Resident set size of this process, from /proc/self/status (VmRSS, in kB).
std::size_t rss_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6)) * 1024;
  }
  ADD_FAILURE() << "no VmRSS in /proc/self/status";
  return 0;
}

struct curl_http {
  explicit curl_http(boost::asio::io_context& io) : multi(io.get_executor()) {}
  curl_multi multi;
  http_prober prober{multi};
};

struct plain_http {
  explicit plain_http(boost::asio::io_context& io) : prober(io.get_executor()) {}
  plain_http_prober prober;
};

template <typename Prober>
struct probe_memory_test : ::testing::Test {
  boost::asio::io_context io;
  Prober under_test{io};

  // `rounds` rounds of `parallel` checks at once; every result must be the body limit's.
  void run_checks(const local_server& srv, const http_params& p, int rounds, int parallel) {
    const std::string expected =
        "body larger than " + std::to_string(p.max_body) + " bytes from " + to_string(srv.target());
    for (int round = 0; round < rounds; ++round) {
      int done = 0;
      io.restart();
      for (int i = 0; i < parallel; ++i) {
        under_test.prober.async_probe(srv.target(), p, seconds(20), [&](const probe_result& r) {
          ++done;
          EXPECT_FALSE(r.ok);
          EXPECT_EQ(r.reason, expected);
        });
      }
      const auto deadline = std::chrono::steady_clock::now() + seconds(60);
      while (done < parallel && std::chrono::steady_clock::now() < deadline) {
        io.run_one_for(std::chrono::milliseconds(50));
      }
      ASSERT_EQ(done, parallel) << "checks did not complete";
    }
  }
};

using probers = ::testing::Types<curl_http, plain_http>;
TYPED_TEST_SUITE(probe_memory_test, probers);

TYPED_TEST(probe_memory_test, HugeBodiesLeaveTheResidentSizeWhereItWas) {
  for (const char* mode : {"http-huge-close", "http-huge-chunked"}) {
    SCOPED_TRACE(mode);
    local_server srv({mode, std::to_string(hostile_bytes)});
    ASSERT_TRUE(srv.running());
    http_params p;
    p.max_body = body_limit;
    p.body_sha256 = sha256_hex("the body of a healthy server");  // the body is kept for its digest
    // The first check loads what any check needs once (libraries' tables, the server's first
    // pages): the baseline is taken after it.
    http_params small = p;
    small.max_body = 1024;
    this->run_checks(srv, small, 1, 1);
    const std::size_t baseline = rss_bytes();
    this->run_checks(srv, p, 6, 4);
    this->run_checks(srv, p, 6, 1);
    const std::size_t after = rss_bytes();
    std::cout << mode << ": VmRSS " << baseline / 1024 << " kB before, " << after / 1024 << " kB after 30 checks\n";
    EXPECT_LE(after, baseline + 10 * mib)
        << "VmRSS grew from " << baseline / 1024 << " kB to " << after / 1024 << " kB";
  }
}

}  // namespace
}  // namespace lbd::healthcheck

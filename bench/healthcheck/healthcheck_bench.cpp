// SPDX-License-Identifier: GPL-2.0-or-later
// Health-check cost: K targets checked every interval by tcp or http for N seconds. Prints the
// checker's CPU seconds per 1,000 checks (getrusage of this process only), how many checks failed
// and the lateness of probe starts against their schedule, and appends the figures to a results
// file.
//
// Targets are either loopback listeners on 127.1.x.y that this program creates and serves from a
// forked child (so their CPU is not counted), or, with --connect ADDR:PORT, K listeners someone
// else runs on consecutive ports from PORT (the guest comparison with keepalived, where
// healthcheck_listener serves them in a network namespace).
#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench_util.hpp"
#include "common/address.hpp"
#include "common/log.hpp"
#include "healthcheck/probers.hpp"
#include "healthcheck/registry.hpp"

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace lbd::healthcheck;  // NOLINT(google-build-using-namespace): a benchmark's main file

struct options {
  int targets = 1000;
  int seconds = 10;
  std::string type = "tcp";
  double interval_s = 1.0;
  std::optional<lbd::endpoint> connect;  // first of K external listeners on consecutive ports
  std::string results = LBD_BENCH_RESULTS;
  std::string label = "native";
};

int usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s [--targets K] [--seconds N] [--type tcp|http] [--interval S]\n"
               "          [--connect ADDR:FIRST_PORT] [--results FILE|-] [--label NAME]\n",
               argv0);
  return 2;
}

// Listeners on 127.1.x.y served by a forked child; returns their endpoints and the child's pid.
pid_t start_loopback_servers(int targets, std::vector<lbd::endpoint>& eps) {
  asio::io_context setup;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  for (int i = 0; i < targets; ++i) {
    const auto addr = asio::ip::make_address_v4(fmt::format("127.1.{}.{}", i / 250, i % 250 + 1));
    auto a = std::make_unique<tcp::acceptor>(setup, tcp::endpoint(addr, 0));
    a->listen(1024);
    eps.push_back(lbd::endpoint{addr, a->local_endpoint().port()});
    acceptors.push_back(std::move(a));
  }
  const pid_t child = fork();
  if (child == 0) {
    setup.notify_fork(asio::execution_context::fork_child);
    std::uint64_t accepts = 0;
    for (auto& a : acceptors) lbd::bench::serve(*a, accepts);
    setup.run();
    _exit(0);
  }
  return child;  // the parent's copies of the acceptors close here
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; i += 2) {
    const std::string k = argv[i];
    if (i + 1 >= argc) return usage(argv[0]);
    const std::string v = argv[i + 1];
    if (k == "--targets") {
      o.targets = std::atoi(v.c_str());
    } else if (k == "--seconds") {
      o.seconds = std::atoi(v.c_str());
    } else if (k == "--type") {
      o.type = v;
    } else if (k == "--interval") {
      o.interval_s = std::atof(v.c_str());
    } else if (k == "--results") {
      o.results = v;
    } else if (k == "--label") {
      o.label = v;
    } else if (k == "--connect") {
      auto ep = lbd::parse_endpoint(v);
      if (!ep) {
        std::fprintf(stderr, "bad --connect %s\n", v.c_str());
        return 2;
      }
      o.connect = *ep;
    } else {
      return usage(argv[0]);
    }
  }
  if (o.targets <= 0 || o.seconds <= 0 || o.interval_s <= 0 || (o.type != "tcp" && o.type != "http")) {
    return usage(argv[0]);
  }
  lbd::log::set_threshold(lbd::log::level::warning);  // K "pending -> up" lines say nothing here
  rlimit nofile{};
  getrlimit(RLIMIT_NOFILE, &nofile);
  nofile.rlim_cur = nofile.rlim_max;
  setrlimit(RLIMIT_NOFILE, &nofile);

  std::vector<lbd::endpoint> eps;
  pid_t child = -1;
  if (o.connect) {
    for (int i = 0; i < o.targets; ++i) {
      eps.push_back(lbd::endpoint{o.connect->address, static_cast<std::uint16_t>(o.connect->port + i)});
    }
  } else {
    child = start_loopback_servers(o.targets, eps);
    if (child < 0) return 1;
    static pid_t server_pid = child;
    std::signal(SIGINT, [](int) {
      ::kill(server_pid, SIGKILL);
      _exit(1);
    });
  }

  asio::io_context io;
  lbd::metrics::registry m;
  auto probers = prober_set::make_default(io.get_executor());
  registry checks(io.get_executor(), *probers, m);
  const auto interval = std::chrono::duration_cast<duration>(std::chrono::duration<double>(o.interval_s));
  bool measuring = false;
  std::uint64_t results = 0;
  std::uint64_t failures = 0;
  std::vector<double> lateness_ms;
  std::string first_failure;
  std::vector<registry::subscription> subs;
  for (const auto& ep : eps) {
    check_spec s;
    s.target = ep;
    if (o.type == "tcp") {
      s.params = tcp_params{};
    } else {
      s.params = http_params{};
    }
    s.timing.interval = interval;
    s.timing.timeout = std::chrono::seconds(1);
    s.thresholds = {1, 1, health::down};
    subs.push_back(checks.subscribe(s, [&](const check_event& e) {
      if (!measuring) return;
      ++results;
      if (!e.state.last->ok) {
        ++failures;
        if (first_failure.empty()) first_failure = e.state.last->reason;
      }
      lateness_ms.push_back(std::chrono::duration<double, std::milli>(e.state.start_lateness).count());
    }));
  }
  io.run_for(interval);  // first runs are spread over one interval
  measuring = true;
  const double cpu0 = lbd::bench::cpu_seconds();
  const long wakeups0 = lbd::bench::wakeups();
  const auto wall0 = std::chrono::steady_clock::now();
  io.run_for(std::chrono::seconds(o.seconds));
  const double cpu = lbd::bench::cpu_seconds() - cpu0;
  const long wakeups = lbd::bench::wakeups() - wakeups0;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  measuring = false;
  if (child > 0) {
    ::kill(child, SIGKILL);
    int st = 0;
    ::waitpid(child, &st, 0);
  }

  const double per_1000 = results > 0 ? cpu / static_cast<double>(results) * 1000.0 : 0;
  const double p50 = lbd::bench::percentile(lateness_ms, 0.50);
  const double p99 = lbd::bench::percentile(lateness_ms, 0.99);
  const double worst = lateness_ms.empty() ? 0 : lateness_ms.back();
  lbd::bench::report(
      o.results,
      fmt::format("bench=cost checker=lbd where={} type={} targets={} interval={}s seconds={} wall_s={:.2f} "
                  "checks={} failures={} cpu_s={:.3f} cpu_s_per_1000_checks={:.4f} "
                  "wakeups_per_s={:.1f} lateness_ms_p50={:.2f} lateness_ms_p99={:.2f} lateness_ms_max={:.2f}",
                  o.label, o.type, o.targets, o.interval_s, o.seconds, wall, results, failures, cpu, per_1000,
                  static_cast<double>(wakeups) / wall, p50, p99, worst));
  if (!first_failure.empty()) std::printf("first failure: %s\n", first_failure.c_str());
  return failures == 0 && results > 0 ? 0 : 1;
}

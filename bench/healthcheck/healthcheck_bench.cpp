// Health-check cost: K loopback targets (listeners on 127.1.x.y, served by a forked child so its
// CPU is not counted) checked every interval by tcp or http for N seconds. Prints the checker's CPU
// seconds per 1,000 checks (getrusage of this process only) and the lateness of probe starts
// against their schedule, and appends the figures to a results file in the build tree.
#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "common/log.hpp"
#include "healthcheck/probers.hpp"
#include "healthcheck/registry.hpp"

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace lbd::healthcheck;  // NOLINT(google-build-using-namespace): a benchmark's main file

constexpr std::string_view http_response = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n";

// Answers anything that sends bytes with a fixed HTTP response; closes silent connections at EOF.
void serve(tcp::acceptor& a) {
  a.async_accept([&a](const boost::system::error_code& ec, tcp::socket s) {
    if (!ec) {
      auto sock = std::make_shared<tcp::socket>(std::move(s));
      auto buf = std::make_shared<std::array<char, 4096>>();
      sock->async_read_some(asio::buffer(*buf), [sock, buf](const boost::system::error_code& rec, std::size_t) {
        if (rec) return;
        asio::async_write(*sock, asio::buffer(http_response), [sock](const boost::system::error_code&, std::size_t) {});
      });
    }
    serve(a);
  });
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  int targets = 1000;
  int seconds = 10;
  std::string type = "tcp";
  double interval_s = 1.0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    if (k == "--targets") targets = std::atoi(argv[i + 1]);
    if (k == "--seconds") seconds = std::atoi(argv[i + 1]);
    if (k == "--type") type = argv[i + 1];
    if (k == "--interval") interval_s = std::atof(argv[i + 1]);
  }
  if (targets <= 0 || seconds <= 0 || (type != "tcp" && type != "http")) {
    std::fprintf(stderr, "usage: %s [--targets K] [--seconds N] [--type tcp|http] [--interval S]\n", argv[0]);
    return 2;
  }
  lbd::log::set_threshold(lbd::log::level::warning);  // K "pending -> up" lines say nothing here
  rlimit nofile{};
  getrlimit(RLIMIT_NOFILE, &nofile);
  nofile.rlim_cur = nofile.rlim_max;
  setrlimit(RLIMIT_NOFILE, &nofile);

  // Listeners first, in this process, so the child inherits them; then fork the server.
  std::vector<lbd::endpoint> eps;
  {
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
    if (child < 0) return 1;
    if (child == 0) {
      setup.notify_fork(asio::execution_context::fork_child);
      for (auto& a : acceptors) serve(*a);
      setup.run();
      _exit(0);
    }
    static pid_t server_pid = child;
    std::signal(SIGINT, [](int) {
      ::kill(server_pid, SIGKILL);
      _exit(1);
    });
    acceptors.clear();  // the child serves them

    asio::io_context io;
    lbd::metrics::registry m;
    auto probers = prober_set::make_default(io.get_executor());
    registry checks(io.get_executor(), *probers, m);
    const auto interval = std::chrono::duration_cast<duration>(std::chrono::duration<double>(interval_s));
    bool measuring = false;
    std::uint64_t results = 0;
    std::uint64_t failures = 0;
    std::vector<double> lateness_ms;
    std::string first_failure;
    std::vector<registry::subscription> subs;
    for (const auto& ep : eps) {
      check_spec s;
      s.target = ep;
      if (type == "tcp") {
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
    const double cpu0 = cpu_seconds();
    const auto wall0 = std::chrono::steady_clock::now();
    io.run_for(std::chrono::seconds(seconds));
    const double cpu = cpu_seconds() - cpu0;
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    measuring = false;
    ::kill(child, SIGKILL);
    int st = 0;
    ::waitpid(child, &st, 0);

    const double per_1000 = results > 0 ? cpu / static_cast<double>(results) * 1000.0 : 0;
    const double p50 = percentile(lateness_ms, 0.50);
    const double p99 = percentile(lateness_ms, 0.99);
    const double worst = lateness_ms.empty() ? 0 : lateness_ms.back();
    const std::string line = fmt::format(
        "type={} targets={} interval={}s seconds={} wall_s={:.2f} checks={} failures={} cpu_s={:.3f} "
        "cpu_s_per_1000_checks={:.4f} "
        "lateness_ms_p50={:.2f} lateness_ms_p99={:.2f} lateness_ms_max={:.2f}",
        type, targets, interval_s, seconds, wall, results, failures, cpu, per_1000, p50, p99, worst);
    std::printf("%s\n", line.c_str());
    if (!first_failure.empty()) std::printf("first failure: %s\n", first_failure.c_str());
    const std::filesystem::path out = LBD_BENCH_RESULTS;
    std::filesystem::create_directories(out.parent_path());
    std::time_t now = std::time(nullptr);
    std::array<char, 32> stamp{};
    std::strftime(stamp.data(), stamp.size(), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    std::ofstream(out, std::ios::app) << stamp.data() << " " << line << "\n";
    return failures == 0 ? 0 : 1;
  }
}

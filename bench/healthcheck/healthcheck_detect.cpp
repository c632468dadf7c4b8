// SPDX-License-Identifier: GPL-2.0-or-later
// Detection latency: K loopback targets (127.2.x.y, served in this process) checked by tcp every
// interval with timeout T and fall F. Once all are up, R of them are killed (their listener
// closed) at random phases; the time from the kill to the down event is measured against the
// bound F x interval + T (+ 20 ms slack). Prints median and max and appends them to a results
// file. A closed listener answers with a RST at once, so the bound's timeout term is headroom
// here; the latency is dominated by F - 1 intervals plus the phase of the next check.
#include <fmt/format.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "bench_util.hpp"
#include "common/log.hpp"
#include "healthcheck/probers.hpp"
#include "healthcheck/registry.hpp"

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace lbd::healthcheck;  // NOLINT(google-build-using-namespace): a benchmark's main file
using clock_type = std::chrono::steady_clock;

struct target {
  std::unique_ptr<tcp::acceptor> acceptor;
  std::optional<clock_type::time_point> killed;
  std::optional<double> latency_ms;
  bool up = false;
};

}  // namespace

int main(int argc, char** argv) {
  int targets = 100;
  int kills = 10;
  double interval_s = 1.0;
  double timeout_s = 1.0;
  unsigned fall = 3;
  std::string results = LBD_BENCH_RESULTS;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const std::string v = argv[i + 1];
    if (k == "--targets") targets = std::atoi(v.c_str());
    if (k == "--kills") kills = std::atoi(v.c_str());
    if (k == "--interval") interval_s = std::atof(v.c_str());
    if (k == "--timeout") timeout_s = std::atof(v.c_str());
    if (k == "--fall") fall = static_cast<unsigned>(std::atoi(v.c_str()));
    if (k == "--results") results = v;
  }
  if (targets <= 0 || kills <= 0 || kills > targets || interval_s <= 0 || timeout_s <= 0 || fall == 0) {
    std::fprintf(stderr,
                 "usage: %s [--targets K] [--kills R<=K] [--interval S] [--timeout S] [--fall F] "
                 "[--results FILE|-]\n",
                 argv[0]);
    return 2;
  }
  lbd::log::set_threshold(lbd::log::level::warning);

  asio::io_context io;
  std::uint64_t accepts = 0;
  std::vector<target> ts(static_cast<std::size_t>(targets));
  lbd::metrics::registry m;
  auto probers = prober_set::make_default(io.get_executor());
  registry checks(io.get_executor(), *probers, m);
  std::vector<registry::subscription> subs;
  int up = 0;
  int detected = 0;
  for (int i = 0; i < targets; ++i) {
    auto& t = ts[static_cast<std::size_t>(i)];
    const auto addr = asio::ip::make_address_v4(fmt::format("127.2.{}.{}", i / 250, i % 250 + 1));
    t.acceptor = std::make_unique<tcp::acceptor>(io, tcp::endpoint(addr, 0));
    t.acceptor->listen(1024);
    lbd::bench::serve(*t.acceptor, accepts);
    check_spec s;
    s.target = lbd::endpoint{addr, t.acceptor->local_endpoint().port()};
    s.params = tcp_params{};
    s.timing.interval = std::chrono::duration_cast<duration>(std::chrono::duration<double>(interval_s));
    s.timing.timeout = std::chrono::duration_cast<duration>(std::chrono::duration<double>(timeout_s));
    s.thresholds = {1, fall, health::down};
    subs.push_back(checks.subscribe(s, [&t, &up, &detected](const check_event& e) {
      if (e.change != transition::changed) return;
      if (e.state.current == status::up) {
        t.up = true;
        ++up;
      } else if (e.state.current == status::down && t.killed && !t.latency_ms) {
        t.latency_ms = std::chrono::duration<double, std::milli>(clock_type::now() - *t.killed).count();
        ++detected;
      }
    }));
  }
  // All up first (the first probes are spread over one interval).
  const auto setup_deadline = clock_type::now() + std::chrono::duration<double>(interval_s * 3 + 5);
  while (up < targets && clock_type::now() < setup_deadline) io.run_one_for(std::chrono::milliseconds(100));
  if (up < targets) {
    std::fprintf(stderr, "only %d of %d targets came up\n", up, targets);
    return 1;
  }

  // Kill R targets at independent random phases over two intervals; each is measured on its own.
  std::mt19937 rng(std::random_device{}());
  std::uniform_real_distribution<double> phase(0, 2 * interval_s);
  std::vector<std::unique_ptr<asio::steady_timer>> timers;
  for (int j = 0; j < kills; ++j) {
    auto& t = ts[static_cast<std::size_t>(j * targets / kills)];
    auto timer = std::make_unique<asio::steady_timer>(io);
    timer->expires_after(std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(phase(rng))));
    timer->async_wait([&t](const boost::system::error_code& ec) {
      if (ec) return;
      t.killed = clock_type::now();
      t.acceptor->close();
    });
    timers.push_back(std::move(timer));
  }
  const double bound_ms = (fall * interval_s + timeout_s) * 1000.0;
  const auto deadline = clock_type::now() + std::chrono::duration<double>(2 * interval_s + bound_ms / 1000.0 + 5);
  while (detected < kills && clock_type::now() < deadline) io.run_one_for(std::chrono::milliseconds(100));

  std::vector<double> lat;
  for (const auto& t : ts) {
    if (t.latency_ms) lat.push_back(*t.latency_ms);
  }
  const double median = lbd::bench::percentile(lat, 0.5);
  const double worst = lat.empty() ? 0 : lat.back();
  const double best = lat.empty() ? 0 : lat.front();
  const bool ok = detected == kills && worst <= bound_ms + 20.0;
  lbd::bench::report(results,
                     fmt::format("bench=detect checker=lbd type=tcp targets={} kills={} detected={} interval={}s "
                                 "timeout={}s fall={} bound_ms={:.0f} latency_ms_min={:.1f} latency_ms_median={:.1f} "
                                 "latency_ms_max={:.1f} within_bound={}",
                                 targets, kills, detected, interval_s, timeout_s, fall, bound_ms, best, median, worst,
                                 ok ? "yes" : "NO"));
  return ok ? 0 : 1;
}

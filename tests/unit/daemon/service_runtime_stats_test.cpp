// SPDX-License-Identifier: GPL-2.0-or-later
// The service runtime's kernel statistics: read by a reader of their own (on the test's loop and
// fake time, or on its thread), never by a scrape or a status call, out of the way of reconcile
// passes and of a stop.
#include <condition_variable>
#include <mutex>
#include <utility>

#include "service_runtime_fixture.hpp"

namespace lbd::daemon::test {
namespace {

// The table the statistics reader reads: the test sets it, the reader reads it (a lock, as the
// reader may run on a thread of its own; lbd itself shares nothing between them).
struct stats_table {
  std::mutex mu;
  std::condition_variable read;  // notified after each read
  ipvs::table table;
  std::size_t reads = 0;
  // Reader on the test's loop only: run in the middle of the next dump (between two services),
  // and the dumps given up because the reader was told to stop.
  std::function<void()> during;
  bool paused_seen = false;
  std::function<bool()> cancelled;  // the reader's signal, as its backend got it  // the reader's cancel signal was up
                                    // at some moment of the dump
  std::size_t abandoned = 0;
};
class stats_backend final : public ipvs::backend {
 public:
  stats_backend(std::shared_ptr<stats_table> t, std::function<bool()> cancelled)
      : t_(std::move(t)), cancelled_(std::move(cancelled)) {}
  result<ipvs::table, ipvs::ipvs_error> snapshot() override {
    t_->paused_seen = false;
    t_->cancelled = cancelled_;
    if (auto during = std::exchange(t_->during, nullptr)) during();
    // A real dump checks the signal between services, so a pass that ran in the middle is seen.
    if (cancelled_() || t_->paused_seen) {
      ++t_->abandoned;
      return unexpected(ipvs::ipvs_error{ECANCELED, "abandoned"});
    }
    const std::lock_guard<std::mutex> lock(t_->mu);
    ++t_->reads;
    t_->read.notify_all();
    return t_->table;
  }
  std::vector<ipvs::op_result> apply(const std::vector<ipvs::op>& ops) override {
    ADD_FAILURE() << "the statistics reader wrote";
    return std::vector<ipvs::op_result>(ops.size(), ipvs::op_result{EPERM, "read only"});
  }
  result<ipvs::info, ipvs::ipvs_error> get_info() override { return ipvs::info{}; }
  result<ipvs::timeouts, ipvs::ipvs_error> get_timeouts() override { return ipvs::timeouts{}; }
  status<ipvs::ipvs_error> set_timeouts(const ipvs::timeouts&) override { return ok; }
  result<std::vector<ipvs::sync_daemon>, ipvs::ipvs_error> daemons() override {
    return std::vector<ipvs::sync_daemon>{};
  }
  status<ipvs::ipvs_error> start_daemon(const ipvs::sync_daemon&) override { return ok; }
  status<ipvs::ipvs_error> stop_daemon(ipvs::daemon_state) override { return ok; }

 private:
  std::shared_ptr<stats_table> t_;
  std::function<bool()> cancelled_;
};

// The runtime of the fixture with a statistics reader over `shared`: on the test's loop and fake
// time, or on a thread of its own; started with `reconcile_interval` (the reader's period).
void start_with_reader(service_runtime_test& t, const std::shared_ptr<stats_table>& shared, bool own_thread,
                       std::chrono::seconds reconcile_interval) {
  t.rt = std::make_unique<service_runtime>(
      t.io, t.m, t.kernel, t.probes, t.time,
      kernel_stats_reader{[shared](auto c) { return std::make_unique<stats_backend>(shared, std::move(c)); },
                          own_thread});
  auto cfg = load(service());
  cfg.global.reconcile_interval = reconcile_interval;
  t.apply(cfg);
}

// The value of one series in the kernel statistics' text; "" when it has no such series.
std::string sample(const std::string& text, const std::string& series) {
  for (std::size_t at = text.find(series + " "); at != std::string::npos; at = text.find(series + " ", at + 1)) {
    if (at != 0 && text[at - 1] != '\n') continue;
    const auto from = at + series.size() + 1;
    return text.substr(from, text.find('\n', from) - from);
  }
  return {};
}

TEST_F(service_runtime_test, KernelStatisticsFromTheReaderNeverWaitedFor) {
  auto shared = std::make_shared<stats_table>();
  {
    ipvs::service svc;
    svc.stats.conns = 10;
    svc.stats.inbytes = 1000;
    auto& d = svc.dests[dk("10.0.1.11:80")];
    d.counters.active = 3;
    d.counters.stats.outpkts = 77;
    svc.dests[dk("10.0.1.12:80")] = {};
    shared->table[web_key] = svc;
  }
  // The reader on the test's loop and fake clock (the next test runs it on its thread), reading as
  // often as the reconcile interval (at most every 5 s).
  start_with_reader(*this, shared, false, std::chrono::seconds(1));
  settle(2);
  // The scrape takes whatever the reader posted last; the snapshot arrives as a message.
  ASSERT_TRUE(run_until(
      [&] { return sample(rt->kernel_stats_text(), R"(lbd_ipvs_service_connections_total{service="web"})") == "10"; }));
  const std::size_t calls = kernel.calls;
  const auto stats = rt->kernel_stats_text();
  const nlohmann::json status = rt->services();
  EXPECT_EQ(kernel.calls, calls);  // neither a scrape nor lbctl services reads the kernel
  EXPECT_EQ(sample(stats, R"(lbd_ipvs_service_bytes_total{service="web",direction="in"})"), "1000");
  EXPECT_EQ(sample(stats, R"(lbd_ipvs_realserver_active_connections{service="web",server="10.0.1.11:80"})"), "3");
  EXPECT_EQ(sample(stats, R"(lbd_ipvs_realserver_packets_total{service="web",server="10.0.1.11:80",direction="out"})"),
            "77");
  const auto text = m.render() + stats;  // as a scrape writes them
  for (const char* c : {"lbd_ipvs_service_connections_total", "lbd_ipvs_service_packets_total",
                        "lbd_ipvs_service_bytes_total", "lbd_ipvs_realserver_connections_total",
                        "lbd_ipvs_realserver_packets_total", "lbd_ipvs_realserver_bytes_total"}) {
    EXPECT_NE(text.find(std::string("# TYPE ") + c + " counter\n"), std::string::npos) << c;
  }
  EXPECT_NE(text.find("# TYPE lbd_ipvs_realserver_active_connections gauge\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE lbd_ipvs_stats_age_seconds gauge\n"), std::string::npos);
  EXPECT_GE(m.value("lbd_ipvs_stats_age_seconds"), 0);
  EXPECT_LT(m.value("lbd_ipvs_stats_age_seconds"), 1);  // read at most a period ago
  EXPECT_EQ(status[0]["active_conns"], 3);
  ASSERT_TRUE(status[0]["stats_age_seconds"].is_number());
  EXPECT_GE(status[0]["stats_age_seconds"].get<double>(), 0);
  const std::size_t reads = shared->reads;
  // The next read (a period later) no longer has the server: its series go.
  {
    const std::lock_guard<std::mutex> lock(shared->mu);
    shared->table[web_key].dests.erase(dk("10.0.1.11:80"));
  }
  ASSERT_TRUE(run_until(
      [&] { return rt->kernel_stats_text().find("server=\"10.0.1.11:80\",direction") == std::string::npos; }));
  EXPECT_EQ(shared->reads, reads + 1);  // one period of fake time, one read
}

TEST_F(service_runtime_test, StatisticsReaderOnItsOwnThreadPostsToTheLoop) {
  auto shared = std::make_shared<stats_table>();
  shared->table[web_key].stats.conns = 10;
  // The first read comes a second after the start.
  start_with_reader(*this, shared, true, std::chrono::seconds(1));
  // The reader reads on its thread.
  {
    std::unique_lock<std::mutex> lock(shared->mu);
    ASSERT_TRUE(shared->read.wait_for(lock, std::chrono::seconds(10), [&] { return shared->reads >= 1; }));
  }
  // That read's snapshot is posted to the loop: run the loop (kept waiting by the guard) until it
  // arrived. A read never posted would hang here, and the test time out.
  auto guard = asio::make_work_guard(io);
  while (sample(rt->kernel_stats_text(), R"(lbd_ipvs_service_connections_total{service="web"})") != "10") {
    io.run_one();
  }
  guard.reset();
  rt.reset();  // joins the reader thread
}

TEST_F(service_runtime_test, WithoutAReaderStatisticsComeFromTheReconcileReads) {
  apply(load(service()));
  settle(2);
  EXPECT_EQ(nlohmann::json(rt->services())[0]["active_conns"], 0);
  kernel.fake.kernel().at(web_key).dests.at(dk("10.0.1.11:80")).counters.active = 3;
  const std::size_t calls = kernel.calls;
  (void)rt->kernel_stats_text();
  EXPECT_EQ(kernel.calls, calls);
  EXPECT_EQ(nlohmann::json(rt->services())[0]["active_conns"], 0);  // not read yet
  rt->reconcile();
  const auto stats = rt->kernel_stats_text();
  EXPECT_EQ(nlohmann::json(rt->services())[0]["active_conns"], 3);
  EXPECT_EQ(sample(stats, R"(lbd_ipvs_realserver_active_connections{service="web",server="10.0.1.11:80"})"), "3");
}

// The reader starts a period after the pass that enabled it (that pass has just read the table), and
// a reconcile pass starting during a dump makes the reader give it up: the pass reads the table
// anyway, and two dumps must not compete for the kernel. The reader tries again shortly after.
TEST_F(service_runtime_test, AReconcilePassMakesTheReaderGiveUpItsDump) {
  auto shared = std::make_shared<stats_table>();
  shared->table[web_key].stats.conns = 10;
  start_with_reader(*this, shared, false, std::chrono::seconds(2));
  settle(2);
  EXPECT_EQ(shared->reads, 0U);  // not at once: the start's reconcile pass had just read the table
  ASSERT_TRUE(run_until([&] { return shared->reads == 1; }));

  const std::size_t passes = kernel.calls;
  // The pass's own read of the kernel finds the reader told to give up.
  kernel.on_snapshot = [&] { shared->paused_seen = shared->paused_seen || shared->cancelled(); };
  shared->during = [&] { rt->reconcile(); };
  ASSERT_TRUE(run_until([&] { return shared->abandoned == 1; }));
  EXPECT_GT(kernel.calls, passes);  // the pass ran, in the middle of the dump
  EXPECT_EQ(shared->reads, 1U);
  // Given up, not failed: no warning, and a new dump well before the next period.
  const auto given_up = time.now();
  ASSERT_TRUE(run_until([&] { return shared->reads == 2; }));
  EXPECT_LE(time.now() - given_up, milliseconds(300));
  EXPECT_EQ(shared->abandoned, 1U);
}

// A stop gives up a dump in progress and never reads again: the exit policy's removal does not wait
// for a statistics dump.
TEST_F(service_runtime_test, AStopMakesTheReaderGiveUpItsDumpForGood) {
  auto shared = std::make_shared<stats_table>();
  start_with_reader(*this, shared, false, std::chrono::seconds(1));
  settle(2);
  bool stopped = false;
  shared->during = [&] {
    rt->stop(config::exit_policy::remove);
    stopped = true;
  };
  ASSERT_TRUE(run_until([&] { return stopped; }));
  EXPECT_EQ(shared->abandoned, 1U);
  EXPECT_EQ(dests(), 0U);
  const std::size_t reads = shared->reads;
  time.advance(std::chrono::seconds(30));
  EXPECT_EQ(shared->reads, reads);
  EXPECT_EQ(shared->abandoned, 1U);
}

}  // namespace
}  // namespace lbd::daemon::test

// SPDX-License-Identifier: GPL-2.0-or-later
// The service runtime with its IPVS worker on a thread of its own, as in the daemon: the kernel is
// read and written on the worker only, and while a pass is held up there the main loop goes on
// (status, health results, other handlers), then takes the pass's result and runs the pass the
// health change asked for.
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <type_traits>

#include "service_runtime_fixture.hpp"

namespace lbd::daemon::test {
namespace {

// The fixture's in-memory kernel behind a gate: the test can hold the next reads of the kernel
// until it opens the gate, and every call notes whether it ran on the test's (main) thread.
class gated_backend final : public ipvs::backend {
 public:
  explicit gated_backend(ipvs::backend& inner) : inner_(inner) {}

  result<ipvs::table, ipvs::ipvs_error> snapshot() override {
    std::unique_lock<std::mutex> lock(mu_);
    note();
    ++reads_;
    if (closed_ && std::this_thread::get_id() != main_) {
      ++held_;
      changed_.notify_all();
      // As the netlink client does between two services: a read asked to give up returns ECANCELED.
      // The flag is raised by the runtime, which does not notify: looked at every millisecond.
      // At most 30 s (a deadline, not a pace): a test that expects an abandon then fails, not hangs.
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (closed_ && !abandoned() && std::chrono::steady_clock::now() < deadline) {
        changed_.wait_for(lock, std::chrono::milliseconds(1));
      }
      if (closed_ && abandoned()) {
        ++abandoned_reads_;
        closed_ = false;  // the reads after it go through
        return unexpected(ipvs::ipvs_error{ECANCELED, "the snapshot was abandoned"});
      }
      closed_ = false;  // opened, or the deadline passed
    }
    return inner_.snapshot();  // under the lock too: inspect() never reads a table half written
  }
  std::vector<ipvs::op_result> apply(const std::vector<ipvs::op>& ops) override {
    return call([&] { return inner_.apply(ops); });
  }
  result<ipvs::info, ipvs::ipvs_error> get_info() override {
    return call([&] { return inner_.get_info(); });
  }
  result<ipvs::timeouts, ipvs::ipvs_error> get_timeouts() override {
    return call([&] { return inner_.get_timeouts(); });
  }
  status<ipvs::ipvs_error> set_timeouts(const ipvs::timeouts& t) override {
    return call([&] { return inner_.set_timeouts(t); });
  }
  result<std::vector<ipvs::sync_daemon>, ipvs::ipvs_error> daemons() override {
    return call([&] { return inner_.daemons(); });
  }
  status<ipvs::ipvs_error> start_daemon(const ipvs::sync_daemon& d) override {
    return call([&] { return inner_.start_daemon(d); });
  }
  status<ipvs::ipvs_error> stop_daemon(ipvs::daemon_state s) override {
    return call([&] { return inner_.stop_daemon(s); });
  }

  void close() {
    const std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
  }
  void open() {
    const std::lock_guard<std::mutex> lock(mu_);
    closed_ = false;
    changed_.notify_all();
  }
  // Waits (at most 30 s: a deadline, not a pace) until a read is held at the gate.
  bool wait_held() {
    std::unique_lock<std::mutex> lock(mu_);
    return changed_.wait_for(lock, std::chrono::seconds(30), [&] { return held_ > 0; });
  }
  // Runs `f` while no call is in progress: the test reads the in-memory kernel the worker writes.
  template <typename F>
  std::invoke_result_t<F> inspect(F f) {
    const std::lock_guard<std::mutex> lock(mu_);
    return f();
  }
  std::size_t calls_on_main() {
    const std::lock_guard<std::mutex> lock(mu_);
    return on_main_;
  }
  std::size_t reads() {
    const std::lock_guard<std::mutex> lock(mu_);
    return reads_;
  }
  std::size_t calls() {
    const std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  std::size_t abandoned_reads() {
    const std::lock_guard<std::mutex> lock(mu_);
    return abandoned_reads_;
  }
  // The flag the runtime raises to make a held read give up (service_runtime::abandon_full_reads_with).
  std::atomic<bool> abandon{false};

 private:
  void note() {
    ++calls_;
    if (std::this_thread::get_id() == main_) ++on_main_;
  }
  template <typename F>
  std::invoke_result_t<F> call(F f) {
    const std::lock_guard<std::mutex> lock(mu_);
    note();
    return f();
  }

  bool abandoned() const { return abandon.load(); }

  ipvs::backend& inner_;
  const std::thread::id main_ = std::this_thread::get_id();
  std::mutex mu_;
  std::condition_variable changed_;
  bool closed_ = false;
  std::size_t held_ = 0;
  std::size_t reads_ = 0;
  std::size_t calls_ = 0;
  std::size_t on_main_ = 0;
  std::size_t abandoned_reads_ = 0;
};

struct service_runtime_worker_test : service_runtime_test {
  gated_backend gate{kernel};

  service_runtime_worker_test() {
    rt = std::make_unique<service_runtime>(io, m, gate, probes, time, kernel_stats_reader{}, agent_query{}, true);
  }
  // Runs the loop and moves the fake clock in 1 ms steps until `pred` holds, for at most 30 s of
  // real time: results come from the worker thread, which fake time does not drive.
  template <typename Pred>
  bool pump_until(Pred pred) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!pred() && std::chrono::steady_clock::now() < deadline) {
      io.run_one_for(milliseconds(1));
      time.advance(milliseconds(1));
    }
    return pred();
  }
  // Until no pass is on the worker and nothing is ready on the loop that could start one.
  bool wait_idle() {
    return pump_until([&] {
      io.restart();
      io.poll();
      time.settle();
      return m.value("lbd_ipvs_pass_running") == 0;
    });
  }
  // Started with a 1 s reconcile interval, both servers programmed and nothing in flight, the next
  // periodic pass starts on the worker and is held there at its read of the kernel (start-up itself
  // waits for its pass, on the worker).
  bool hold_a_periodic_pass() {
    auto cfg = load(service());
    cfg.global.reconcile_interval = std::chrono::seconds(1);
    apply(cfg);
    if (!pump_until([&] { return dests_now() == 2; }) || !wait_idle()) return false;
    gate.close();
    time.advance(std::chrono::seconds(1));
    return gate.wait_held();
  }
  std::size_t dests_now() {
    return gate.inspect([&] { return dests(); });
  }
  bool has_now(const char* d) {
    return gate.inspect([&] { return has(d); });
  }
  bool kernel_empty() {
    return gate.inspect([&] { return kernel.fake.kernel().empty(); });
  }
  std::string state_of(const char* server) {
    for (const auto& s : rt->services()) {
      for (const auto& r : s.real_servers) {
        if (r.address == server) return std::string(api::to_string(r.state));
      }
    }
    return "absent";
  }
};

TEST_F(service_runtime_worker_test, TheMainLoopGoesOnWhileAPassIsHeldOnTheWorker) {
  ASSERT_TRUE(hold_a_periodic_pass());

  // Meanwhile the main loop runs: handlers, status, and a health check that fails.
  bool ran = false;
  asio::post(io, [&] { ran = true; });
  io.restart();
  io.poll();
  EXPECT_TRUE(ran);
  probes.down.insert(ep("10.0.1.12:80"));
  time.advance(milliseconds(50));
  EXPECT_EQ(state_of("10.0.1.12:80"), "down");
  EXPECT_TRUE(has_now("10.0.1.12:80"));  // the pass it asks for waits for the one held

  // Released, the held pass finishes and the one the failure asked for follows it.
  gate.open();
  EXPECT_TRUE(pump_until([&] { return !has_now("10.0.1.12:80"); }));
  EXPECT_TRUE(has_now("10.0.1.11:80"));

  EXPECT_GT(gate.calls(), 0U);
  EXPECT_EQ(gate.calls_on_main(), 0U);  // the kernel is read and written on the worker only
}

TEST_F(service_runtime_worker_test, APassLongerThanTheIntervalIsNotFollowedAtOnceByAnother) {
  ASSERT_TRUE(hold_a_periodic_pass());
  // Five intervals go by while the pass is held (a large table in a slow machine).
  time.advance(std::chrono::seconds(5));
  const std::size_t reads = gate.reads();
  gate.open();
  // The held pass ends; the next periodic one comes an interval after it, not at once.
  ASSERT_TRUE(wait_idle());
  EXPECT_EQ(gate.reads(), reads);
  time.advance(milliseconds(900));
  EXPECT_EQ(gate.reads(), reads);
  EXPECT_TRUE(pump_until([&] { return gate.reads() == reads + 1; }));
}

TEST_F(service_runtime_worker_test, TheWorkersCountsAreRenderedBesideTheMainLoops) {
  apply(load(service()));
  // The worker's counts reach the main loop with the result of the job that made them.
  const auto added = [&] {
    const auto* w = rt->worker_metrics();
    return w == nullptr ? 0.0 : w->value("lbd_ipvs_operations_total", {{"op", "add_dest"}});
  };
  ASSERT_TRUE(pump_until([&] { return added() == 2; }));
  // The reconciler counts on the worker; the main loop's registry never sees its counters change.
  EXPECT_EQ(m.value("lbd_ipvs_operations_total", {{"op", "add_dest"}}), 0);
  const auto* worker = rt->worker_metrics();
  ASSERT_NE(worker, nullptr);
  EXPECT_EQ(worker->value("lbd_ipvs_operations_total", {{"op", "add_dest"}}), 2);
  const auto text = metrics::render({&m, worker});
  EXPECT_NE(text.find("lbd_ipvs_operations_total{op=\"add_dest\"} 2\n"), std::string::npos) << text;
  EXPECT_EQ(gate.calls_on_main(), 0U);
}

TEST_F(service_runtime_worker_test, AnOverrideMakesAFullPassOnTheWorkerGiveUpItsReadThenItRunsAgain) {
  rt->abandon_full_reads_with(gate.abandon);
  ASSERT_TRUE(hold_a_periodic_pass());
  const double full_before = m.value("lbd_ipvs_passes_total", {{"scope", "full"}});
  // The override is written at once: the held full pass gives up its dump instead of making the
  // main loop wait for it (the gate is never opened by the test).
  ASSERT_TRUE(rt->set_weight("10.0.1.11:80", std::nullopt, 7));
  EXPECT_EQ(gate.abandoned_reads(), 1U);
  EXPECT_EQ(gate.inspect([&] { return weight("10.0.1.11:80"); }), 7U);
  EXPECT_FALSE(gate.abandon.load());  // lowered by the override's own job, whose reads went on
  // Back on the main loop, the abandoned pass is counted as such, not as a failed read, and the
  // full pass runs again.
  ASSERT_TRUE(wait_idle());
  EXPECT_EQ(m.value("lbd_service_reconciles_total", {{"result", "abandoned"}}), 1);
  EXPECT_EQ(m.value("lbd_service_reconciles_total", {{"result", "error"}}), 0);
  EXPECT_EQ(m.value("lbd_ipvs_passes_total", {{"scope", "full"}}), full_before + 1);
  const auto* worker = rt->worker_metrics();
  ASSERT_NE(worker, nullptr);
  EXPECT_EQ(worker->value("lbd_ipvs_errors_total", {{"op", "snapshot"}, {"error", "ECANCELED"}}), 0);
  EXPECT_EQ(gate.inspect([&] { return weight("10.0.1.11:80"); }), 7U);
  EXPECT_EQ(gate.inspect([&] { return dests(); }), 2U);
  EXPECT_EQ(gate.calls_on_main(), 0U);
}

TEST_F(service_runtime_worker_test, AStopMakesAFullPassGiveUpItsReadAndRemovesEverything) {
  rt->abandon_full_reads_with(gate.abandon);
  ASSERT_TRUE(hold_a_periodic_pass());
  const auto report = rt->stop(config::exit_policy::remove);  // the gate is never opened
  EXPECT_TRUE(report.failure.empty()) << report.failure;
  EXPECT_EQ(gate.abandoned_reads(), 1U);
  EXPECT_TRUE(kernel_empty());
  io.poll();
  EXPECT_TRUE(kernel_empty());
}

TEST_F(service_runtime_worker_test, AStopWaitsForThePassInFlightThenRemovesEverything) {
  ASSERT_TRUE(hold_a_periodic_pass());
  // The stop's passes queue behind the held one on the worker; the gate opens from another thread
  // as the main loop waits in stop().
  std::thread opener([&] { gate.open(); });
  const auto report = rt->stop(config::exit_policy::remove);
  opener.join();
  EXPECT_TRUE(report.failure.empty()) << report.failure;
  EXPECT_TRUE(kernel_empty());
  // The held pass's result arrives after the stop: it changes nothing.
  io.poll();
  EXPECT_TRUE(kernel_empty());
  EXPECT_EQ(gate.calls_on_main(), 0U);
}

}  // namespace
}  // namespace lbd::daemon::test

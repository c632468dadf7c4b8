// SPDX-License-Identifier: GPL-2.0-or-later
// The hook runner against real programs: exit codes logged once and counted, stdout lines in the
// log under the hook's label, a timeout that kills the whole process group, and detached hooks once
// the daemon stops (started detached, and those still running outlive the loop).
#include "common/hook_runner.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <csignal>
#include <optional>

#include "support.hpp"

namespace lbd {
namespace {

using std::chrono::milliseconds;

struct hook_runner_test : ::testing::Test {
  std::vector<log::record> records;
  metrics::registry m;

  void SetUp() override {
    log::set_threshold(log::level::debug);
    log::set_sink([this](const log::record& r) { records.push_back(r); });
  }
  void TearDown() override {
    log::reset_sink();
    log::set_threshold(log::level::info);
  }

  // A hook that writes its PID to pid_file and then runs for 30 s; its PID once it runs (0 if it
  // never wrote it before the deadline).
  static int start_slow_hook(hook_runner& runner, boost::asio::io_context& io, const std::string& pid_file) {
    runner.run(hook_request{{"/bin/sh", "-c", "echo $$ > " + pid_file + "; exec sleep 30"}, "slow hook", "test"});
    if (!test::run_until(io, [&] { return test::read_lines(pid_file).size() == 1; })) return 0;
    return std::stoi(test::read_lines(pid_file)[0]);
  }

  // The records that carry the hook field with this label.
  std::vector<log::record> lines_of(const std::string& label) const {
    std::vector<log::record> out;
    for (const auto& r : records) {
      for (const auto& f : r.fields) {
        if (f.name == log::hook_field && f.value == label) out.push_back(r);
      }
    }
    return out;
  }

  double runs(const char* result) const {
    return m.value("lbd_hook_runs_total", {{"kind", "test"}, {"result", result}});
  }

  // Runs one hook to its end; returns its result word.
  std::string run(boost::asio::io_context& io, hook_runner& runner, std::vector<std::string> argv,
                  const std::string& label, milliseconds timeout = milliseconds(20000)) {
    std::optional<std::string> result;
    runner.run(hook_request{std::move(argv), label, "test", timeout},
               [&](std::string_view r) { result = std::string(r); });
    EXPECT_TRUE(test::run_until(io, [&] { return result.has_value(); })) << label << " did not end";
    return result.value_or("");
  }
};

TEST_F(hook_runner_test, ExitCodesAreLoggedOnceAndCounted) {
  boost::asio::io_context io;
  hook_runner runner(io.get_executor(), &m);
  EXPECT_EQ(run(io, runner, {"/bin/sh", "-c", "exit 0"}, "good hook"), "ok");
  EXPECT_EQ(run(io, runner, {"/bin/sh", "-c", "exit 3"}, "bad hook"), "failed");
  EXPECT_EQ(run(io, runner, {"relative/path"}, "unstartable hook"), "failed");
  EXPECT_EQ(runs("ok"), 1);
  EXPECT_EQ(runs("failed"), 2);

  const auto good = lines_of("good hook");
  ASSERT_EQ(good.size(), 1U);
  EXPECT_EQ(good[0].lvl, log::level::info);
  EXPECT_EQ(good[0].message, "good hook (/bin/sh): exit 0");
  const auto bad = lines_of("bad hook");
  ASSERT_EQ(bad.size(), 1U);
  EXPECT_EQ(bad[0].lvl, log::level::warning);
  EXPECT_EQ(bad[0].message, "bad hook (/bin/sh): exit 3");
  const auto unstartable = lines_of("unstartable hook");
  ASSERT_EQ(unstartable.size(), 1U);
  EXPECT_EQ(unstartable[0].message,
            "unstartable hook (relative/path): could not start: argv[0] must be an absolute path");
}

TEST_F(hook_runner_test, OutputLinesGoToTheLogUnderTheLabel) {
  boost::asio::io_context io;
  hook_runner runner(io.get_executor(), &m);
  EXPECT_EQ(run(io, runner, {"/bin/sh", "-c", "echo first; echo; echo second >&1; exit 0"}, "chatty"), "ok");
  const auto lines = lines_of("chatty");
  ASSERT_EQ(lines.size(), 3U);
  EXPECT_EQ(lines[0].message, "chatty: first");
  EXPECT_EQ(lines[1].message, "chatty: second");
  EXPECT_EQ(lines[2].message, "chatty (/bin/sh): exit 0");
}

TEST_F(hook_runner_test, TimeoutKillsTheProcessGroup) {
  test::temp_dir dir;
  const auto pid_file = dir.file("child.pid");
  boost::asio::io_context io;
  hook_runner runner(io.get_executor(), &m);
  // The hook forks a child of its own and waits for it: both must die with the group.
  const auto result =
      run(io, runner, {"/bin/sh", "-c", "sleep 30 & echo $! > " + pid_file + "; wait"}, "hung hook", milliseconds(300));
  EXPECT_EQ(result, "timeout");
  EXPECT_EQ(runs("timeout"), 1);
  const auto lines = lines_of("hung hook");
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_EQ(lines[0].message, "hung hook (/bin/sh): timeout after 300ms, process group killed");
  const auto pid = test::read_lines(pid_file);
  ASSERT_EQ(pid.size(), 1U);
  const int child = std::stoi(pid[0]);
  // SIGKILL was sent before the hook was reaped; the forked child is gone once the kernel delivered it.
  EXPECT_TRUE(test::run_until(
      io, [&] { return !test::process_alive(child); }, milliseconds(5000)));
  if (test::process_alive(child)) ::kill(child, SIGKILL);
}

TEST_F(hook_runner_test, OnceDetachedEveryRunnerOfTheLoopStartsHooksDetached) {
  test::temp_dir dir;
  const auto out = dir.file("args");
  boost::asio::io_context io;
  hook_runner app(io.get_executor(), &m);
  hook_runner other(io.get_executor(), &m);
  boost::asio::io_context elsewhere;
  hook_runner unrelated(elsewhere.get_executor());
  EXPECT_FALSE(other.detached());
  app.detach_from_now();
  EXPECT_TRUE(other.detached());
  EXPECT_FALSE(unrelated.detached());

  std::optional<std::string> result;
  other.run(hook_request{{"/bin/sh", "-c", "echo \"$@\" > " + out, "hook", "web", "stop"}, "detached hook", "test"},
            [&](std::string_view r) { result = std::string(r); });
  EXPECT_EQ(result, "detached");  // at once: the loop never sees it end
  EXPECT_EQ(runs("detached"), 1);
  EXPECT_TRUE(test::run_until(io, [&] { return test::read_lines(out).size() == 1; }));
  EXPECT_EQ(test::read_lines(out), std::vector<std::string>{"web stop"});
}

TEST_F(hook_runner_test, RunningHooksOutliveTheLoopOnceDetached) {
  test::temp_dir dir;
  auto io = std::make_unique<boost::asio::io_context>();
  hook_runner runner(io->get_executor(), &m);
  const int pid = start_slow_hook(runner, *io, dir.file("hook.pid"));
  ASSERT_GT(pid, 0);
  runner.detach_from_now();
  io.reset();  // the daemon's loop goes away
  const bool survived = test::process_alive(pid);
  ::kill(pid, SIGKILL);  // it is still our child: clean up and reap
  int st = 0;
  ::waitpid(pid, &st, 0);
  EXPECT_TRUE(survived) << "a detached hook was killed with the loop";
}

TEST_F(hook_runner_test, RunningHooksDieWithTheLoopWhileNotDetached) {
  test::temp_dir dir;
  auto io = std::make_unique<boost::asio::io_context>();
  hook_runner runner(io->get_executor(), &m);
  const int pid = start_slow_hook(runner, *io, dir.file("hook.pid"));
  ASSERT_GT(pid, 0);
  io.reset();
  EXPECT_FALSE(test::process_alive(pid));
}

}  // namespace
}  // namespace lbd

// SPDX-License-Identifier: GPL-2.0-or-later
// The common process runner against real programs: exit codes, signals, stdout capture and its
// limit, timeouts that kill the group, no zombies.
#include "common/process.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <boost/asio/io_context.hpp>

#include <fstream>
#include <optional>

#include "support.hpp"

namespace lbd::process {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

outcome run(boost::asio::io_context& io, options o) {
  std::optional<outcome> got;
  io.restart();  // a previous run may have run out of work, which stops the context
  async_run(io.get_executor(), std::move(o), [&](outcome r) { got = std::move(r); });
  const auto deadline = std::chrono::steady_clock::now() + seconds(30);
  while (!got && std::chrono::steady_clock::now() < deadline) io.run_one_for(milliseconds(50));
  if (!got) {
    ADD_FAILURE() << "process did not finish";
    return {};
  }
  return *got;
}

bool no_children_left() {
  int st = 0;
  return ::waitpid(-1, &st, WNOHANG) < 0 && errno == ECHILD;
}

TEST(Process, ExitCodeAndCapture) {
  boost::asio::io_context io;
  options o;
  o.argv = {"/bin/sh", "-c", "echo hello; echo world; exit 3"};
  o.capture_stdout = true;
  const auto r = run(io, o);
  EXPECT_TRUE(r.started);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "hello\nworld\n");
  EXPECT_FALSE(r.out_truncated);
  EXPECT_EQ(describe(r), "exit 3");
  EXPECT_TRUE(no_children_left());
}

TEST(Process, CaptureIsLimitedAndTheChildNeverBlocks) {
  boost::asio::io_context io;
  options o;
  o.argv = {"/bin/sh", "-c", "head -c 1000000 /dev/zero; exit 0"};
  o.capture_stdout = true;
  o.max_stdout = 100;
  const auto r = run(io, o);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.size(), 100U);
  EXPECT_TRUE(r.out_truncated);
}

TEST(Process, NoShellAndAbsolutePathsOnly) {
  boost::asio::io_context io;
  options o;
  o.argv = {"sh", "-c", "exit 0"};
  auto r = run(io, o);
  EXPECT_FALSE(r.started);
  EXPECT_EQ(r.error, "argv[0] must be an absolute path");
  o.argv = {"/nonexistent/program"};
  r = run(io, o);
  EXPECT_FALSE(r.started);
  EXPECT_NE(r.error.find("No such file"), std::string::npos) << r.error;
  // Arguments are passed as they are: no word splitting, no globbing.
  o.argv = {"/bin/echo", "a  b", "*"};
  o.capture_stdout = true;
  r = run(io, o);
  EXPECT_EQ(r.out, "a  b *\n");
}

TEST(Process, TimeoutKillsTheGroupAndReaps) {
  boost::asio::io_context io;
  test::temp_dir dir;
  const std::string pidfile = (dir.path() / "pid").string();
  options o;
  o.argv = {"/bin/sh", "-c", "sleep 300 & echo $! > " + pidfile + "; wait"};
  o.timeout = seconds(2);  // long enough to write the pid file on a loaded machine
  const auto r = run(io, o);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.signal, SIGKILL);
  EXPECT_EQ(describe(r), "timed out, process group killed");
  EXPECT_LT(r.elapsed, seconds(5));
  std::ifstream in(pidfile);
  pid_t grandchild = 0;
  in >> grandchild;
  ASSERT_GT(grandchild, 0);
  const auto deadline = std::chrono::steady_clock::now() + seconds(10);
  while (!test::process_dead(grandchild) && std::chrono::steady_clock::now() < deadline) {
    io.run_one_for(milliseconds(10));
  }
  EXPECT_TRUE(test::process_dead(grandchild));
  EXPECT_TRUE(no_children_left());
}

TEST(Process, SignalledProgram) {
  boost::asio::io_context io;
  options o;
  o.argv = {"/bin/sh", "-c", "kill -TERM $$"};
  const auto r = run(io, o);
  EXPECT_EQ(r.signal, SIGTERM);
  EXPECT_FALSE(r.exit_code.has_value());
}

TEST(Process, DestroyingTheContextKillsAndReapsRunningChildren) {
  {
    boost::asio::io_context io;
    options o;
    o.argv = {"/bin/sleep", "300"};
    async_run(io.get_executor(), o, [](const outcome&) { ADD_FAILURE() << "must not complete"; });
    io.poll();  // runs the start: the program is spawned and still running
  }
  EXPECT_TRUE(no_children_left());
}

TEST(Process, ManyInParallel) {
  boost::asio::io_context io;
  int done = 0;
  int ok = 0;
  for (int i = 0; i < 50; ++i) {
    options o;
    o.argv = {"/bin/sh", "-c", "exit " + std::to_string(i % 2)};
    async_run(io.get_executor(), o, [&](const outcome& r) {
      ++done;
      if (r.exit_code == 0) ++ok;
    });
  }
  const auto deadline = std::chrono::steady_clock::now() + seconds(30);
  while (done < 50 && std::chrono::steady_clock::now() < deadline) io.run_one_for(milliseconds(50));
  EXPECT_EQ(done, 50);
  EXPECT_EQ(ok, 25);
  EXPECT_TRUE(no_children_left());
}

}  // namespace
}  // namespace lbd::process

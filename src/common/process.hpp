// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Asynchronous child processes on Asio, without a shell: health-check scripts, notify hooks and
// track scripts all run through here.
//
// - The program is started with posix_spawn (argv[0] must be an absolute path; no PATH search, no
//   shell), in a new process group of its own, with stdin on /dev/null, a default signal mask and
//   dispositions, and every descriptor above stderr closed.
// - Its exit is observed through a pidfd (pidfd_open, Linux >= 5.3) waited on by the io_context:
//   no SIGCHLD handler, no thread, no polling. The child is always reaped (no zombies); destroying
//   the io_context with children still running kills their groups and reaps them (unless
//   options::spare_on_destroy says otherwise).
// - It runs as options::user or global.script_user (common/script_user: posix_spawn cannot switch
//   accounts, so then common/spawn_as forks), and a program that would run as root must pass the
//   script-security rule (common/script_security).
// - On timeout the whole process group gets SIGKILL, so whatever the program forked dies with it.
// - stdout is optionally captured up to a size limit; the rest is read and discarded so the child
//   never blocks on a full pipe. stderr is inherited (it lands in the daemon's journal).
// - Nobody else may reap our children: the daemon must not set SIGCHLD to SIG_IGN nor call
//   waitpid(-1, ...).
#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lbd::process {

struct options {
  std::vector<std::string> argv;                // argv[0]: absolute path of the program
  std::optional<std::vector<std::string>> env;  // "NAME=value"; unset: inherit the daemon's
  std::chrono::nanoseconds timeout{0};          // zero: no timeout
  bool capture_stdout = false;
  std::size_t max_stdout = 4096;
  bool kill_group_on_exit = false;  // also SIGKILL the group once the program itself exited
  // When set and true by the time the io_context is destroyed with the program still running, the
  // program is left running (neither killed nor reaped): a stopping daemon's hooks outlive it.
  std::shared_ptr<const bool> spare_on_destroy;
  // The account it runs as (a track script's or script check's own `user`/`group`); empty: the
  // daemon's global.script_user (common/script_user). An account that does not exist: not started.
  std::string user;
  std::string group;
};

struct outcome {
  bool started = false;
  std::string error;  // why the program could not be started (when !started)
  bool timed_out = false;
  std::optional<int> exit_code;  // set when the program exited
  std::optional<int> signal;     // set when a signal ended it (SIGKILL after a timeout)
  std::string out;               // captured stdout (at most max_stdout bytes)
  bool out_truncated = false;
  std::chrono::nanoseconds elapsed{0};
  int pid = -1;
};

// One line for logs: "exit 3", "killed by signal 9", "timeout after 2s", "spawn failed: ...".
std::string describe(const outcome& o);

using handler = std::function<void(outcome)>;

// Starts the program; `done` runs exactly once on `ex`'s context when it ended (or failed to start).
void async_run(const boost::asio::any_io_executor& ex, options opts, handler done);

}  // namespace lbd::process

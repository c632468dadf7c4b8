// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <memory>

#include "common/script_security.hpp"
#include "common/script_user.hpp"
#include "common/spawn_as.hpp"

extern char** environ;  // NOLINT(readability-identifier-naming): POSIX name

namespace lbd::process {
namespace {

using clock = std::chrono::steady_clock;

int pidfd_open(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  out.reserve(v.size() + 1);
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

class child : public std::enable_shared_from_this<child> {
 public:
  child(const boost::asio::any_io_executor& ex, options opts, handler done)
      : opts_(std::move(opts)), done_(std::move(done)), pidfd_(ex), out_(ex), timer_(ex) {}

  child(const child&) = delete;
  child& operator=(const child&) = delete;

  ~child() {
    // The io_context went away with the program still running: do not leave it behind.
    const bool spared = opts_.spare_on_destroy && *opts_.spare_on_destroy;
    if (pid_ > 0 && !reaped_ && !spared) {
      ::kill(-pid_, SIGKILL);
      int st = 0;
      while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
      }
    }
  }

  void start() {
    started_at_ = clock::now();
    if (opts_.argv.empty() || opts_.argv[0].empty() || opts_.argv[0][0] != '/') {
      fail("argv[0] must be an absolute path");
      return;
    }
    auto who = script_user::for_program(opts_.user, opts_.group);
    if (!who) {
      fail(who.error());
      return;
    }
    if (auto why = script_security::refusal(opts_.argv[0], script_user::runs_privileged(*who))) {
      fail(*why);
      return;
    }
    if (script_user::needs_switch(*who)) as_ = **who;
    std::array<int, 2> pipe_fds{-1, -1};
    if (opts_.capture_stdout && ::pipe2(pipe_fds.data(), O_CLOEXEC) != 0) {
      fail(fmt::format("pipe: {}", std::strerror(errno)));
      return;
    }
    const int err = spawn(pipe_fds[1]);
    if (pipe_fds[1] >= 0) ::close(pipe_fds[1]);
    if (err != 0) {
      if (pipe_fds[0] >= 0) ::close(pipe_fds[0]);
      fail(fmt::format("spawn {}: {}", opts_.argv[0], std::strerror(err)));
      return;
    }
    result_.started = true;
    result_.pid = pid_;
    const int pfd = pidfd_open(pid_);
    if (pfd < 0) {
      const int e = errno;
      if (pipe_fds[0] >= 0) ::close(pipe_fds[0]);
      reap(true);
      fail(fmt::format("pidfd_open: {}", std::strerror(e)));
      return;
    }
    pidfd_.assign(pfd);
    if (pipe_fds[0] >= 0) {
      out_.assign(pipe_fds[0]);
      out_.non_blocking(true);
      read_more();
    }
    pidfd_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                      [self = shared_from_this()](const boost::system::error_code& ec) { self->on_exit(ec); });
    if (opts_.timeout > std::chrono::nanoseconds::zero()) {
      timer_.expires_after(opts_.timeout);
      timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
        if (ec) return;
        if (auto self = weak.lock()) self->on_timeout();
      });
    }
  }

 private:
  int spawn(int out_fd) {
    if (as_) {
      auto argv = c_strings(opts_.argv);
      std::vector<char*> envp;
      if (opts_.env) envp = c_strings(*opts_.env);
      pid_t pid = -1;
      const int err = spawn_as(*as_, argv.data(), opts_.env ? envp.data() : environ, out_fd, pid);
      if (err == 0) pid_ = pid;
      return err;
    }
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (out_fd >= 0) {
      posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    } else {
      posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    }
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    sigset_t none;
    sigset_t all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setpgroup(&attr, 0);  // its own group, so a timeout can kill everything it forked
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    auto argv = c_strings(opts_.argv);
    std::vector<char*> envp;
    if (opts_.env) envp = c_strings(*opts_.env);
    pid_t pid = -1;
    const int err = ::posix_spawn(&pid, argv[0], &fa, &attr, argv.data(), opts_.env ? envp.data() : environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (err == 0) pid_ = pid;
    return err;
  }

  void read_more() {
    out_.async_read_some(boost::asio::buffer(buf_),
                         [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                           if (self->finished_) return;
                           self->take(n);
                           if (!ec) self->read_more();
                         });
  }

  void take(std::size_t n) {
    const std::size_t room = opts_.max_stdout - std::min(opts_.max_stdout, result_.out.size());
    result_.out.append(buf_.data(), std::min(n, room));
    if (n > room) result_.out_truncated = true;
  }

  void on_timeout() {
    if (reaped_ || finished_) return;
    result_.timed_out = true;
    ::kill(-pid_, SIGKILL);  // the group: the program and everything it started
  }

  void on_exit(const boost::system::error_code& ec) {
    if (finished_) return;
    reap(static_cast<bool>(ec));
    timer_.cancel();
    if (opts_.kill_group_on_exit || result_.timed_out) ::kill(-pid_, SIGKILL);
    // Whatever the program wrote before exiting is in the pipe now; take it without waiting for
    // EOF, which a leftover grandchild could hold off forever.
    if (out_.is_open()) {
      for (;;) {
        boost::system::error_code rec;
        const std::size_t n = out_.read_some(boost::asio::buffer(buf_), rec);
        if (rec || n == 0) break;
        take(n);
      }
    }
    finish();
  }

  void reap(bool blocking) {
    int st = 0;
    pid_t r = 0;
    do {
      r = ::waitpid(pid_, &st, blocking ? 0 : WNOHANG);
    } while (r < 0 && errno == EINTR);
    if (r == pid_) {
      reaped_ = true;
      if (WIFEXITED(st)) result_.exit_code = WEXITSTATUS(st);
      if (WIFSIGNALED(st)) result_.signal = WTERMSIG(st);
    } else if (r == 0) {
      // The pidfd said "exited" so this cannot happen; reap for sure rather than leak a zombie.
      reap(true);
    } else {
      reaped_ = true;  // ECHILD: someone else reaped it (SIGCHLD ignored): nothing to leak
    }
  }

  void fail(std::string why) {
    result_.error = std::move(why);
    finish();
  }

  void finish() {
    finished_ = true;
    result_.elapsed = clock::now() - started_at_;
    boost::system::error_code ignored;
    if (out_.is_open()) out_.close(ignored);
    if (pidfd_.is_open()) pidfd_.close(ignored);
    timer_.cancel();
    auto done = std::move(done_);
    auto res = std::move(result_);
    done(std::move(res));
  }

  options opts_;
  handler done_;
  boost::asio::posix::stream_descriptor pidfd_;
  boost::asio::posix::stream_descriptor out_;
  boost::asio::steady_timer timer_;
  std::array<char, 4096> buf_{};
  outcome result_;
  clock::time_point started_at_;
  std::optional<script_user::identity> as_;  // the account to switch to, when not lbd's own
  pid_t pid_ = -1;
  bool reaped_ = false;
  bool finished_ = false;
};

}  // namespace

std::string describe(const outcome& o) {
  if (!o.started) return "could not start: " + o.error;
  if (o.timed_out) return "timed out, process group killed";
  if (o.exit_code) return fmt::format("exit {}", *o.exit_code);
  if (o.signal) return fmt::format("killed by signal {} ({})", *o.signal, ::strsignal(*o.signal));
  return "ended";
}

void async_run(const boost::asio::any_io_executor& ex, options opts, handler done) {
  auto c = std::make_shared<child>(ex, std::move(opts), std::move(done));
  // Start from the io_context so that `done` never runs inside the caller's frame.
  boost::asio::post(ex, [c] { c->start(); });
}

}  // namespace lbd::process

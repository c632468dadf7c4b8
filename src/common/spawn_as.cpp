// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/spawn_as.hpp"

#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <csignal>

namespace lbd {

int become(const script_user::identity& who) noexcept {
  if (::syscall(SYS_setgroups, who.groups.size(), who.groups.data()) != 0) return errno;
  if (::syscall(SYS_setresgid, who.gid, who.gid, who.gid) != 0) return errno;
  if (::syscall(SYS_setresuid, who.uid, who.uid, who.uid) != 0) return errno;
  return 0;
}

namespace {

[[noreturn]] void fail(int report_fd, int err) {
  (void)!::write(report_fd, &err, sizeof err);
  ::_exit(127);
}

[[noreturn]] void child(const script_user::identity& who, char* const argv[], char* const envp[], int out_fd,
                        int report_fd) {
  ::setpgid(0, 0);  // its own group, so a timeout can kill everything it forked
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int s = 1; s < NSIG; ++s) ::signal(s, SIG_DFL);  // NOLINT: restoring defaults before exec
  const int null_in = ::open("/dev/null", O_RDONLY);
  if (null_in < 0 || ::dup2(null_in, STDIN_FILENO) < 0) fail(report_fd, errno);
  const int out = out_fd >= 0 ? out_fd : ::open("/dev/null", O_WRONLY);
  if (out < 0 || ::dup2(out, STDOUT_FILENO) < 0) fail(report_fd, errno);
  // Everything above stderr but the report pipe, which exec closes.
  if (report_fd > STDERR_FILENO + 1) ::close_range(STDERR_FILENO + 1, report_fd - 1, 0);
  ::close_range(report_fd + 1, UINT_MAX, 0);
  if (const int err = become(who); err != 0) fail(report_fd, err);
  ::execve(argv[0], argv, envp);
  fail(report_fd, errno);
}

}  // namespace

int spawn_as(const script_user::identity& who, char* const argv[], char* const envp[], int out_fd, pid_t& pid) {
  int report[2] = {-1, -1};
  if (::pipe2(report, O_CLOEXEC) != 0) return errno;
  const pid_t p = ::fork();
  if (p < 0) {
    const int err = errno;
    ::close(report[0]);
    ::close(report[1]);
    return err;
  }
  if (p == 0) child(who, argv, envp, out_fd, report[1]);
  ::close(report[1]);
  int err = 0;
  ssize_t n = 0;
  while ((n = ::read(report[0], &err, sizeof err)) < 0 && errno == EINTR) {
  }
  ::close(report[0]);
  if (n == static_cast<ssize_t>(sizeof err)) {  // it never became the program: reap it here
    while (::waitpid(p, nullptr, 0) < 0 && errno == EINTR) {
    }
    return err;
  }
  pid = p;
  return 0;
}

}  // namespace lbd

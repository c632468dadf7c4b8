// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/detached_spawn.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include <fmt/format.h>

#include "common/script_security.hpp"
#include "common/script_user.hpp"
#include "common/spawn_as.hpp"

namespace lbd {

status<std::string> spawn_detached(const std::vector<std::string>& argv) {
  if (argv.empty() || argv.front().empty() || argv.front()[0] != '/') {
    return unexpected(std::string("the command must start with an absolute path"));
  }
  auto who = script_user::current();
  if (auto why = script_security::refusal(argv.front(), script_user::runs_privileged(who))) {
    return unexpected(std::move(*why));
  }
  if (!script_user::needs_switch(who)) who.reset();
  // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));  // NOLINT: execv's signature
  args.push_back(nullptr);
  const pid_t middle = ::fork();
  if (middle < 0) return unexpected(fmt::format("fork: {}", std::strerror(errno)));
  if (middle == 0) {
    ::setsid();
    const pid_t grandchild = ::fork();
    if (grandchild != 0) ::_exit(grandchild < 0 ? 1 : 0);
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int s = 1; s < NSIG; ++s) ::signal(s, SIG_DFL);  // NOLINT: restoring defaults before exec
    const int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null >= 0) ::dup2(null, STDIN_FILENO);
    ::closefrom(STDERR_FILENO + 1);
    if (who && become(*who) != 0) ::_exit(127);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  int st = 0;
  while (::waitpid(middle, &st, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) return unexpected(std::string("fork of the detached process failed"));
  return ok;
}

}  // namespace lbd

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Starting a program as another account (global.script_user). posix_spawn cannot change users, so
// this forks: in the child, only async-signal-safe calls and raw system calls until exec (glibc's
// setuid wrappers would signal threads that do not exist in the child).
#include <sys/types.h>

#include "common/script_user.hpp"

namespace lbd {

// In a freshly forked child: supplementary groups, group, then user (in that order: after the
// user the others may no longer be changed). 0, or the errno of the step that failed.
int become(const script_user::identity& who) noexcept;

// What common/process gives a child, as another account: its own process group, an empty signal
// mask and default dispositions, stdin on /dev/null, stdout on `out_fd` (or /dev/null when < 0),
// no descriptor above stderr. 0 with `pid` set, or the errno of the step that failed (exec
// included, reported through a close-on-exec pipe, as posix_spawn reports it).
int spawn_as(const script_user::identity& who, char* const argv[], char* const envp[], int out_fd, pid_t& pid);

}  // namespace lbd

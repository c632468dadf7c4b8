// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// keepalived's script-security rule (lbd.conf `global.script_security`, on by default): a program
// lbd runs as root (check scripts, notify and track scripts, hooks) must not be replaceable by
// anyone but root. The program and every directory above it must be owned by root, and none may be
// writable by a group other than root's or by everyone; a directory with the sticky bit (/tmp) is
// the exception, since there only a file's owner may replace it. Symbolic links are followed, as
// exec follows them. A program that breaks the rule is not started: the check fails or the hook
// is not run, with the reason.
#include <sys/types.h>

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace lbd::script_security {

// What the rule looks at, for one path: the program, or one of the directories above it.
struct path_fact {
  std::string path;
  uid_t owner = 0;
  gid_t group = 0;
  mode_t mode = 0;  // st_mode: type and permission bits
};

// Pure: why the first fact that breaks the rule does ("/opt/chk is writable by group 1000"), or
// nothing. `trusted` owns files as safely as root does (the user lbd runs as; root: 0).
std::optional<std::string> breach(std::span<const path_fact> facts, uid_t trusted);

// The facts of `program` (absolute) and of each directory above it, from the root down, each as
// stat(2) sees it; nullopt and `error` when one cannot be read.
std::optional<std::vector<path_fact>> facts_of(const std::string& program, std::string& error);

// Whether the rule is applied (global.script_security; default on). Read by every spawn.
void set_enforced(bool on);
bool enforced();

// The reason `program` may not run, or nothing. The rule applies when it is enforced, lbd runs as
// root, and the program will run privileged (`runs_privileged`: as root's user or group, see
// common/script_user) or is set-user-ID or set-group-ID root; when its facts cannot be read (the
// spawn then fails and says why), nothing.
std::optional<std::string> refusal(const std::string& program, bool runs_privileged);

}  // namespace lbd::script_security

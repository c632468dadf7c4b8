// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The account lbd's programs run as (check scripts, track scripts, notify commands, hooks):
// lbd.conf `global.script_user` / `script_group`; unset, the `lbd-script` account when it exists
// and root otherwise, as keepalived falls back from `keepalived_script` to root. A root lbd
// switches each child to the account between fork and exec (common/spawn_as); an unprivileged lbd
// cannot switch and runs its programs as itself.
#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace lbd::script_user {

inline constexpr const char* default_account = "lbd-script";

struct identity {
  std::string user;   // "lbd-script", "root"
  std::string group;  // the primary group's name, or script_group
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary groups of the account (getgrouplist)

  // keepalived's test for "needs the script-security rule": root's user or root's group.
  [[nodiscard]] bool privileged() const { return uid == 0 || gid == 0; }
  bool operator==(const identity&) const = default;
};

// The system's account database, looked up by name (getpwnam_r, getgrnam_r, getgrouplist).
struct account {
  uid_t uid = 0;
  gid_t gid = 0;
  std::string group;  // primary group's name
  std::vector<gid_t> groups;
};
struct accounts {
  std::function<std::optional<account>(const std::string& user)> user;
  std::function<std::optional<gid_t>(const std::string& group)> group;
};
accounts system_accounts();

struct resolved {
  identity who;
  std::string warning;  // set when the default account is missing and root is used instead
};

// Pure but for `db`: whom programs run as for `user`/`group` as lbd.conf gives them ("" unset).
// An account or group that does not exist is an error naming it.
result<resolved, std::string> resolve(const std::string& user, const std::string& group, const accounts& db);

// The identity children are switched to (global.script_user, applied by the daemon); nullopt (the
// default, and in lbctl): lbd's own.
void set_current(std::optional<identity> who);
std::optional<identity> current();

// The account of one program: its own `user`/`group` (a track script's or a script check's, looked
// up now) or, with none, current(). An own account that does not exist is an error.
result<std::optional<identity>, std::string> for_program(const std::string& user, const std::string& group);

// Whether a program started as `who` by this process needs a switch: lbd is root (else it cannot
// switch) and `who` is set and not root's user and group.
bool needs_switch(const std::optional<identity>& who);

// Whether a program started as `who` by this process runs privileged, so must pass the
// script-security rule: lbd is root and `who` is unset (lbd's own) or privileged.
bool runs_privileged(const std::optional<identity>& who);

}  // namespace lbd::script_user

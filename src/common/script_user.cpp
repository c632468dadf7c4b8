// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/script_user.hpp"

#include <fmt/format.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <mutex>

namespace lbd::script_user {
namespace {

std::mutex current_mutex;
std::optional<identity> current_identity;  // guarded by current_mutex

std::size_t buffer_size(int name) {
  const long n = ::sysconf(name);
  return n > 0 ? static_cast<std::size_t>(n) : 16384;
}

std::optional<account> passwd_entry(const std::string& user) {
  std::vector<char> buf(buffer_size(_SC_GETPW_R_SIZE_MAX));
  passwd pw{};
  passwd* found = nullptr;
  while (::getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &found) == ERANGE) buf.resize(buf.size() * 2);
  if (found == nullptr) return std::nullopt;
  account a{pw.pw_uid, pw.pw_gid, {}, {}};
  // The account's groups, as a login would have them (initgroups), so a script may use what its
  // account's groups may (a socket of group haproxy, say).
  int n = 32;
  a.groups.resize(static_cast<std::size_t>(n));
  while (::getgrouplist(pw.pw_name, pw.pw_gid, a.groups.data(), &n) < 0) a.groups.resize(static_cast<std::size_t>(n));
  a.groups.resize(static_cast<std::size_t>(n));
  std::vector<char> gbuf(buffer_size(_SC_GETGR_R_SIZE_MAX));
  group gr{};
  group* gfound = nullptr;
  while (::getgrgid_r(pw.pw_gid, &gr, gbuf.data(), gbuf.size(), &gfound) == ERANGE) gbuf.resize(gbuf.size() * 2);
  a.group = gfound != nullptr ? gfound->gr_name : std::to_string(pw.pw_gid);
  return a;
}

std::optional<gid_t> group_entry(const std::string& name) {
  std::vector<char> buf(buffer_size(_SC_GETGR_R_SIZE_MAX));
  group gr{};
  group* found = nullptr;
  while (::getgrnam_r(name.c_str(), &gr, buf.data(), buf.size(), &found) == ERANGE) buf.resize(buf.size() * 2);
  if (found == nullptr) return std::nullopt;
  return gr.gr_gid;
}

}  // namespace

accounts system_accounts() { return {passwd_entry, group_entry}; }

result<resolved, std::string> resolve(const std::string& user, const std::string& group, const accounts& db) {
  resolved r;
  std::string name = user.empty() ? std::string(default_account) : user;
  auto a = db.user(name);
  if (!a && user.empty()) {
    r.warning = fmt::format("no account {} for scripts: they run as root (create it, or set global.script_user)",
                            default_account);
    name = "root";
    a = db.user(name);
  }
  if (!a) return unexpected(fmt::format("no account '{}' on this system", name));
  r.who = identity{name, a->group, a->uid, a->gid, a->groups};
  if (!group.empty()) {
    const auto g = db.group(group);
    if (!g) return unexpected(fmt::format("no group '{}' on this system", group));
    // As keepalived does for `script_user USER GROUP`: the given group is the only one.
    r.who.group = group;
    r.who.gid = *g;
    r.who.groups = {*g};
  }
  return r;
}

void set_current(std::optional<identity> who) {
  const std::lock_guard lock(current_mutex);
  current_identity = std::move(who);
}

std::optional<identity> current() {
  const std::lock_guard lock(current_mutex);
  return current_identity;
}

result<std::optional<identity>, std::string> for_program(const std::string& user, const std::string& group) {
  if (user.empty() && group.empty()) return current();
  auto r = resolve(user, group, system_accounts());
  if (!r) return unexpected(std::move(r).error());
  return std::optional<identity>(std::move(r->who));
}

bool needs_switch(const std::optional<identity>& who) {
  return ::geteuid() == 0 && who && (who->uid != 0 || who->gid != 0);
}

bool runs_privileged(const std::optional<identity>& who) { return ::geteuid() == 0 && (!who || who->privileged()); }

}  // namespace lbd::script_user

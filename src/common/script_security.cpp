// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/script_security.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <vector>

namespace lbd::script_security {
namespace {

std::atomic<bool> rule_on{true};

}  // namespace

std::optional<std::string> breach(std::span<const path_fact> facts, uid_t trusted) {
  for (const auto& f : facts) {
    if (f.owner != 0 && f.owner != trusted) return fmt::format("{} is owned by uid {}, not root", f.path, f.owner);
    // In a sticky directory only an entry's owner may rename or remove it: its other bits do not
    // let anyone replace the program.
    const bool sticky_dir = S_ISDIR(f.mode) && (f.mode & S_ISVTX) != 0;
    if (sticky_dir) continue;
    if ((f.mode & S_IWOTH) != 0) return fmt::format("{} is writable by everyone", f.path);
    if ((f.mode & S_IWGRP) != 0 && f.group != 0) return fmt::format("{} is writable by group {}", f.path, f.group);
  }
  return std::nullopt;
}

std::optional<std::vector<path_fact>> facts_of(const std::string& program, std::string& error) {
  std::vector<std::string> paths{"/"};
  for (std::size_t slash = program.find('/', 1); slash != std::string::npos; slash = program.find('/', slash + 1)) {
    if (slash > 0 && program[slash - 1] != '/') paths.push_back(program.substr(0, slash));
  }
  if (program.size() > 1 && program.back() != '/') paths.push_back(program);
  std::vector<path_fact> out;
  out.reserve(paths.size());
  for (auto& p : paths) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) {
      error = fmt::format("{}: {}", p, std::strerror(errno));
      return std::nullopt;
    }
    out.push_back({std::move(p), st.st_uid, st.st_gid, st.st_mode});
  }
  return out;
}

void set_enforced(bool on) { rule_on.store(on, std::memory_order_relaxed); }
bool enforced() { return rule_on.load(std::memory_order_relaxed); }

std::optional<std::string> refusal(const std::string& program, bool runs_privileged) {
  if (!enforced() || ::geteuid() != 0) return std::nullopt;
  std::string error;
  const auto facts = facts_of(program, error);
  if (!facts) return std::nullopt;  // exec fails on it too, and says why in its own words
  // A program run as an unprivileged account can do no more than that account, unless it is
  // set-user-ID or set-group-ID root (as keepalived decides which scripts need the rule).
  const auto& f = facts->back();
  const bool suid_root = f.owner == 0 && (f.mode & S_ISUID) != 0 && (f.mode & S_IXUSR) != 0;
  const bool sgid_root = f.group == 0 && (f.mode & S_ISGID) != 0 && (f.mode & S_IXGRP) != 0;
  if (!runs_privileged && !suid_root && !sgid_root) return std::nullopt;
  if (auto why = breach(*facts, 0)) {
    return fmt::format("refused by the script-security rule: {} (global.script_security)", *why);
  }
  return std::nullopt;
}

}  // namespace lbd::script_security

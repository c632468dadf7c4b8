// SPDX-License-Identifier: GPL-2.0-or-later
#include "import/import_cli.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "config/load.hpp"
#include "import/import.hpp"

namespace lbd::import {
namespace {

std::string free_backup_name(const std::string& path) {
  std::string name = path + ".bak";
  for (int i = 1; std::filesystem::exists(std::filesystem::symlink_status(name)); ++i) {
    name = fmt::format("{}.bak.{}", path, i);
  }
  return name;
}

std::string errno_text() { return std::strerror(errno); }

}  // namespace

std::string write_with_backup(const std::string& path, const std::string& text, std::string& backup) {
  backup.clear();
  std::string tmp = path + ".tmp.XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) return fmt::format("cannot create a temporary file next to {}: {}", path, errno_text());
  std::size_t done = 0;
  while (done < text.size()) {
    auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string err = errno_text();
      ::close(fd);
      ::unlink(tmp.c_str());
      return fmt::format("cannot write {}: {}", tmp, err);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, 0644) != 0 || ::fsync(fd) != 0 || ::close(fd) != 0) {
    std::string err = errno_text();
    ::unlink(tmp.c_str());
    return fmt::format("cannot write {}: {}", tmp, err);
  }
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::symlink_status(path))) {
    backup = free_backup_name(path);
    // A hard link keeps the old file under the backup name without a moment with no file at `path`.
    if (::link(path.c_str(), backup.c_str()) != 0) {
      std::filesystem::copy_file(path, backup, ec);
      if (ec) {
        ::unlink(tmp.c_str());
        return fmt::format("cannot back up {} as {}: {}; nothing written", path, backup, ec.message());
      }
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string err = errno_text();
    ::unlink(tmp.c_str());
    return fmt::format("cannot rename {} to {}: {}", tmp, path, err);
  }
  return {};
}

int run_import(const import_request& req) {
  auto r = req.kind == "keepalived" ? import_keepalived_file(req.file) : import_ipvsadm_file(req.file);
  for (const auto& e : r.errors) fmt::print(stderr, "error: {}\n", e);
  if (!r.errors.empty()) return exit_failed;
  for (const auto& n : r.not_converted) fmt::print(stderr, "{}\n", n);
  // The result is validated in-process before anything is written: an invalid result is a fault of
  // the importer, never something to hand to the operator.
  auto checked = config::load_string(r.toml, req.output.empty() ? "(imported lbd.conf)" : req.output);
  if (!checked.ok()) {
    for (const auto& d : checked.diagnostics) fmt::print(stderr, "{}\n", config::format(d));
    fmt::print(stderr,
               "error: the converted configuration does not pass lbd --check ({} error(s) above); "
               "nothing written\n",
               checked.error_count());
    return exit_failed;
  }
  if (!r.not_converted.empty() && !req.allow_changes) {
    fmt::print(stderr,
               "{} keyword(s) refused or changed (listed above); nothing written. Review them and run again with "
               "--allow-changes to write the partial result.\n",
               r.not_converted.size());
    return exit_changes;
  }
  if (req.output.empty()) {
    fmt::print("{}", r.toml);
  } else {
    std::string backup;
    if (auto err = write_with_backup(req.output, r.toml, backup); !err.empty()) {
      fmt::print(stderr, "error: {}\n", err);
      return exit_failed;
    }
    if (!backup.empty()) fmt::print(stderr, "the previous {} is kept as {}\n", req.output, backup);
  }
  fmt::print(stderr, "{} keyword(s) refused or changed; the result passes lbd --check\n", r.not_converted.size());
  return exit_converted;
}

}  // namespace lbd::import

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// `lbd import keepalived|ipvsadm FILE [-o OUT] [--allow-changes]`: converts, validates the result
// with the same loader as `lbd --check`, and writes it only when it passes.
#include <string>

namespace lbd::import {

// Exit statuses, following src/common/cli.hpp (0 ok, 1 failure, 2 usage error):
// Everything converted to the same behaviour (or --allow-changes was given): result written.
inline constexpr int exit_converted = 0;
inline constexpr int exit_failed = 1;  // input unreadable, result invalid, or output not written
// Something was refused or changed and --allow-changes was not given: the report is printed, nothing
// is written.
inline constexpr int exit_changes = 3;

struct import_request {
  std::string kind;  // "keepalived" or "ipvsadm"
  std::string file;
  std::string output;  // empty: standard output
  bool allow_changes = false;
};

int run_import(const import_request& req);

// Writes `text` to `path` atomically (a temporary file in the same directory, then rename). An
// existing file is kept as PATH.bak (PATH.bak.1, .2, ... when that exists too); the name of the
// backup is returned in `backup` ("" when there was no file). Returns "" or an error message.
std::string write_with_backup(const std::string& path, const std::string& text, std::string& backup);

}  // namespace lbd::import

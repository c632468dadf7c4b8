// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// `include = ["conf.d/*.conf"]` in the main file: the [[vrrp]] and [[virtual_server]] tables of the
// files it names are appended to the main file's, in the order the patterns list them and, within
// a pattern, in file name order. Each table keeps the file, line and column it came from, so every
// diagnostic points into the right file. [global], [ipvs] and further includes belong to the main
// file only. Relative patterns are relative to the main file's directory.
#include <toml++/toml.h>

#include <string>

#include "config/diagnostic.hpp"

namespace lbd::config::detail {

// Reads what root's `include` names into root; problems go to `sink`. `main_file` is the path the
// main file was read from (or the name it was given).
void merge_includes(toml::table& root, const std::string& main_file, diagnostic_sink& sink);

}  // namespace lbd::config::detail

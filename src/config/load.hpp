// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Loading lbd.conf: parse, validate, resolve defaults. Never throws; every problem found is in
// `diagnostics` (all of them, not just the first), and `cfg` is set only when there is no error.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.hpp"
#include "config/model.hpp"

namespace lbd::config {

struct load_options {
  // global.node_name when the file does not set it; empty = this machine's hostname.
  std::string default_node_name;
};

struct load_result {
  std::optional<config> cfg;
  std::vector<diagnostic> diagnostics;

  [[nodiscard]] bool ok() const { return cfg.has_value(); }
  [[nodiscard]] std::size_t error_count() const;
  [[nodiscard]] std::size_t warning_count() const;
};

load_result load_file(const std::string& path, const load_options& options = {});
// `name` is the file name used in diagnostics.
load_result load_string(std::string_view text, const std::string& name, const load_options& options = {});
// The JSON form printed by `lbd --check --print` (see to_json.hpp), read by the same rules.
load_result load_json(std::string_view text, const std::string& name, const load_options& options = {});

}  // namespace lbd::config

// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/diagnostic.hpp"

#include <fmt/format.h>

namespace lbd::config {

std::string format(const diagnostic& d) {
  const char* word = d.level == severity::error ? "error" : "warning";
  if (d.line == 0) return fmt::format("{}: {}: {}", d.file, word, d.message);
  return fmt::format("{}:{}:{}: {}: {}", d.file, d.line, d.column, word, d.message);
}

void diagnostic_sink::error(unsigned line, unsigned column, std::string message, const std::string* file) {
  ++errors_;
  list_.push_back(diagnostic{severity::error, file != nullptr ? *file : file_, line, column, std::move(message)});
}

void diagnostic_sink::warning(unsigned line, unsigned column, std::string message, const std::string* file) {
  list_.push_back(diagnostic{severity::warning, file != nullptr ? *file : file_, line, column, std::move(message)});
}

}  // namespace lbd::config

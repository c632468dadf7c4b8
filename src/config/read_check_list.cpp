// SPDX-License-Identifier: GPL-2.0-or-later
// `check` as a table (one check) or an array of tables (several, all must pass).
#include <fmt/format.h>

#include "config/names.hpp"
#include "config/reader.hpp"
#include "config/sections.hpp"

namespace lbd::config::detail {

check_list read_check_list(const value_reader& values, const toml::node& n, const std::string& path,
                           const check_list* base) {
  const check_list fallback = base != nullptr ? *base : check_list{default_check()};
  if (const auto* t = n.as_table()) {
    if (base != nullptr && base->size() > 1) {
      values.error(n, path,
                   fmt::format("the service has {} checks, so a table cannot say which one to change; give the "
                               "real server its own array of checks",
                               base->size()));
      return fallback;
    }
    return {read_check(values, *t, path, base != nullptr ? &base->front() : nullptr)};
  }
  const auto* a = n.as_array();
  if (a == nullptr) {
    values.error(n, path, "expected a table (one check) or an array of tables (several, all must pass)");
    return fallback;
  }
  if (a->empty() || a->size() > max_checks_per_server) {
    values.error(n, path, fmt::format("must list 1 to {} checks, not {}", max_checks_per_server, a->size()));
    return fallback;
  }
  check_list out;
  out.reserve(a->size());
  for (std::size_t i = 0; i < a->size(); ++i) {
    const std::string where = fmt::format("{}[{}]", path, i);
    const auto* t = values.table(*a->get(i), where);
    if (t == nullptr) return fallback;
    // An array replaces the service's list: its checks inherit nothing from it.
    out.push_back(read_check(values, *t, where, nullptr));
    if (a->size() > 1 && type_of(out.back()) == check_type::none) {
      values.error(*a->get(i), where,
                   "type none cannot be one of several checks: a server without checks is always up");
    }
  }
  return out;
}

}  // namespace lbd::config::detail

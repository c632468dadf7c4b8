// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/shell/config_diagnostics.hpp"

namespace lbd::daemon {

void log_diagnostics(const log::logger& l, const std::string& file, const config::load_result& r) {
  std::size_t warnings = 0;
  for (const auto& d : r.diagnostics) {
    if (d.level == config::severity::error) {
      l.err("{}", config::format(d));
    } else if (++warnings <= max_logged_warnings) {
      l.warning("{}", config::format(d));
    }
  }
  if (warnings > max_logged_warnings) {
    l.warning("{}: {} more warning(s) not logged; lbd --check -f {} lists them all", file,
              warnings - max_logged_warnings, file);
  }
}

}  // namespace lbd::daemon

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A config load's diagnostics in the journal: every error, and the first warnings only.
#include <cstddef>
#include <string>

#include "common/log.hpp"
#include "config/load.hpp"

namespace lbd::daemon {

// A generated lbd.conf can warn once per service (10,000 lines for 10,000 services), which buries
// the journal and, on a slow console, slows the start itself; `lbd --check` lists them all.
constexpr std::size_t max_logged_warnings = 20;

void log_diagnostics(const log::logger& l, const std::string& file, const config::load_result& r);

}  // namespace lbd::daemon

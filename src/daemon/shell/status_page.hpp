// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The read-only HTML status page served on metrics_listen: the daemon's status (app::status(),
// what `lbctl status` shows) in, one self-contained HTML document out. No I/O, no clock:
// `now` is given, so relative times ("3m ago", uptime) are testable.
//
// Every string taken from the status is HTML-escaped: names come from config files, reasons from
// scripts and real servers' responses. States are colour-coded and always spelled out too.
#include <chrono>
#include <string>
#include <string_view>

#include "status/answers.hpp"

namespace lbd::daemon {

// &, <, >, " and ' as character references: safe in text and in quoted attribute values.
std::string html_escape(std::string_view s);

// Absent values (no weight, no kernel rates) show as "-".
std::string render_status_page(const api::daemon_status& status, std::chrono::system_clock::time_point now);

// The page reloads itself this often.
inline constexpr int status_page_refresh_seconds = 5;

}  // namespace lbd::daemon

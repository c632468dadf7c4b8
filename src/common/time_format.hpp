// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Wall-clock times as lbctl and the JSON status show them.
#include <chrono>
#include <string>

namespace lbd {

// "2026-11-21T09:25:05.123Z": RFC 3339, UTC, milliseconds.
std::string rfc3339(std::chrono::system_clock::time_point t);

}  // namespace lbd

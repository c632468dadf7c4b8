// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// lbd.conf text for the daemon's tests: loaded (node name "n", file "t.conf"), or its diagnostics.
#include <gtest/gtest.h>

#include <string>

#include "config/load.hpp"

namespace lbd::daemon::test {

// Every diagnostic of the text, one formatted line each ("t.conf:3:1: error: ...").
inline std::string diagnostics_of(const std::string& text) {
  auto r = config::load_string(text, "t.conf", config::load_options{"n"});
  std::string all;
  for (const auto& d : r.diagnostics) all += config::format(d) + "\n";
  return all;
}

// The configuration; a text that does not load fails the test (with its diagnostics).
inline config::config load(const std::string& text) {
  auto r = config::load_string(text, "t.conf", config::load_options{"n"});
  if (!r.ok()) ADD_FAILURE() << diagnostics_of(text);
  return r.cfg.value_or(config::config{});
}

}  // namespace lbd::daemon::test

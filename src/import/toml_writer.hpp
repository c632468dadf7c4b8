// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Just enough TOML writing for the importers: quoted strings, arrays and inline tables built from
// already-rendered values.
#include <string>
#include <utility>
#include <vector>

namespace lbd::import {

std::string toml_string(const std::string& s);
std::string toml_string_array(const std::vector<std::string>& items);
// { key = value, ... } with values already rendered.
std::string toml_inline_table(const std::vector<std::pair<std::string, std::string>>& fields);
// Seconds as keepalived writes them ("1", "0.1", "2.5") to a lbd duration ("1s", "100ms", "2500ms").
// Empty when the text is not a number.
std::string seconds_to_duration(const std::string& seconds);
// A command line as keepalived takes it (one string, words split on blanks, '...' or "..." grouping)
// to an argument vector.
std::vector<std::string> split_command(const std::string& line);

}  // namespace lbd::import

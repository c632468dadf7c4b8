// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A whole file into one string of its size (configurations, IPVS tables as JSON: a string stream
// and its copy held a large table's text twice).
#include <string>

#include "common/result.hpp"

namespace lbd {

// The file's bytes, or why not ("cannot open: No such file or directory", "read error").
result<std::string, std::string> read_text_file(const std::string& path);

}  // namespace lbd

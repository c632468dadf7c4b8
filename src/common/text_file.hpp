// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A whole file into one string of its size (configurations, IPVS tables as JSON: a string stream
// and its copy held a large table's text twice).
#include <sys/types.h>

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace lbd {

// The file's bytes, or why not ("cannot open: No such file or directory", "read error").
result<std::string, std::string> read_text_file(const std::string& path);

// Replaces `path` with `text` so that a reader (or a restart after a crash or a power loss) finds
// the old file or the new one, never a part: written beside it, flushed to disk, renamed over it,
// the directory flushed. Errors name the file and the reason.
status<std::string> replace_text_file(const std::string& path, std::string_view text, mode_t mode);

}  // namespace lbd

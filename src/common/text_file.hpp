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

// Replaces `path` with `text` so that a reader (or a restart after a crash) finds the old file or the
// new one, never a part: written beside it and renamed over it. `durable`: also flushed to disk, file
// and directory, so that a power loss keeps it too (a state that must outlive a reboot; not for a
// file in /run rewritten at every VRRP advert, which must never wait for a disk). Errors name the
// file and the reason.
enum class durability : bool { rename_only, flushed };
status<std::string> replace_text_file(const std::string& path, std::string_view text, mode_t mode, durability durable);

}  // namespace lbd

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The operator's overrides (lbctl drain, weight) as the text of lbd's state file (`lbd
// --state-file`), so that they outlive a restart or an upgrade of the package, and back. Pure; the
// runtime reads and writes the file (common/text_file.hpp).
//   {"version": 1, "overrides": [{"service": "web", "server": "10.0.1.11:80", "kind": "drain"},
//                                {"service": "web", "server": "10.0.1.12:80", "kind": "weight", "weight": 5}]}
#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "daemon/services/overrides.hpp"

namespace lbd::daemon {

// A larger file is refused unread: no configuration has that many real servers.
inline constexpr std::size_t override_file_max_bytes = std::size_t{16} << 20;

std::string encode_overrides(const overrides& o);
// The overrides the text holds; an error names the first problem ("overrides[2].kind: 'x' is not
// drain or weight"), and then none is taken.
result<overrides, std::string> decode_overrides(std::string_view text);

}  // namespace lbd::daemon

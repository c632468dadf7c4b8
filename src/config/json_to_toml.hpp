// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The printed JSON form back into the TOML tree the loader reads, so --print output is loaded by
// exactly the same rules as lbd.conf (there is no second, laxer reader).
#include <toml++/toml.h>

#include <optional>
#include <string>
#include <string_view>

namespace lbd::config::detail {

// nullopt (and `why`) when the text is not JSON or holds something TOML cannot (null, huge numbers).
std::optional<toml::table> json_to_toml(std::string_view text, std::string& why);

}  // namespace lbd::config::detail

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Reads the firewall as the tools print it into firewall::ruleset. Pure: text in, model out.
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "ctl/doctor/firewall.hpp"

namespace lbd::ctl::doctor::firewall {

// `json`: `nft -j list ruleset`; `listing`: `nft -a list ruleset`, which gives each rule's text by
// its handle (may be empty: rules are then named by handle).
result<ruleset, std::string> parse_nft(std::string_view json, std::string_view listing);

// `iptables-save` (family 4) or `ip6tables-save` (family 6) output; only the filter table matters.
result<ruleset, std::string> parse_iptables_save(std::string_view text, int family);

}  // namespace lbd::ctl::doctor::firewall

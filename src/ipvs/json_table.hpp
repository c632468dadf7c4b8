// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A table as JSON, for the lbd-ipvs tool and tests:
// {"services": [{"protocol": "tcp", "address": "192.0.2.10:80", "scheduler": "wlc",
//                "flags": ["persistent", "sh-port"], "timeout": 300, "netmask": "255.255.255.0",
//                "pe": "sip", "destinations": [{"address": "10.0.1.11:8080", "forwarding": "masq",
//                "weight": 1, "u_threshold": 0, "l_threshold": 0, "tun_type": "gue", "tun_port": 6080,
//                "tun_flags": ["csum"]}]},
//               {"fwmark": 5, "family": "ipv6", ...}]}
// Strict: unknown keys and bad values are errors that name the service.
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "ipvs/model.hpp"

namespace lbd::ipvs {

result<table, std::string> table_from_json(std::string_view text);
// `with_counters`: also connection counts and statistics (as read from the kernel).
std::string table_to_json(const table& t, bool with_counters);

}  // namespace lbd::ipvs

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The real server's side of plan.hpp: reads the host's state and carries out changes
// (/proc/sys, rtnetlink, modprobe).
#include <string>

#include "common/result.hpp"
#include "ctl/realserver/plan.hpp"

namespace lbd::ctl::realserver {

result<host_state, std::string> read_host(const request& r);
status<std::string> apply(const change& c);

}  // namespace lbd::ctl::realserver

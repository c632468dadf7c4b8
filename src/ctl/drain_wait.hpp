// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// `lbctl drain SERVER --wait`: where a drain stands, from the daemon's `services` answer. Pure: the
// command polls and prints (daemon_commands.cpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "status/answers.hpp"

namespace lbd::ctl {

struct drain_progress {
  std::uint64_t active = 0;   // active connections of the drained servers still in the kernel
  std::size_t in_kernel = 0;  // drained servers the kernel still holds
  std::size_t gone = 0;       // drained servers no longer in the answer (left the config)
  // Age of the oldest kernel read the figures come from (seconds); none: some service has no read.
  std::optional<double> read_age;
};

drain_progress progress_of(const std::vector<api::service>& services, const std::vector<api::affected_server>& drained);

// Whether the drain is over for sure: no active connection left in a kernel read taken after the
// drain began (`since`, seconds ago). A read from before could predate a connection still open.
bool drain_finished(const drain_progress& p, double since);

// "2 servers: 14 active connections (read 0.4 s ago)"
std::string progress_line(const drain_progress& p);

}  // namespace lbd::ctl

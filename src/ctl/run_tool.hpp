// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// lbctl running another program on this director and reading what it prints (nft and iptables-save
// for `doctor`, birdc or vtysh for `anycast`), through common/process: no shell, its own process
// group killed on timeout, stderr left on lbctl's.
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace lbd::ctl {

// Its stdout once it exited 0; otherwise why not, as "/usr/sbin/nft: exit 1", "...: timed out,
// process group killed" or "...: output too large". argv[0] is an absolute path.
result<std::string, std::string> run_tool(std::vector<std::string> argv,
                                          std::chrono::milliseconds timeout = std::chrono::seconds(10),
                                          std::size_t max_out = std::size_t{16} << 20);

}  // namespace lbd::ctl

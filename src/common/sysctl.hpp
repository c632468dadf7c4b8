// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Kernel parameters under /proc/sys, read and written the one way lbd and lbctl do it. A key is
// the path below /proc/sys ("net/ipv4/vs/sloppy_tcp", "net/ipv6/conf/eth0.100/forwarding": an
// interface name may hold dots) or, from sysctl(8)'s spelling, sysctl_key("net.ipv4.ip_forward").
#include <optional>
#include <string>
#include <string_view>

namespace lbd {

// "net.ipv4.conf.lo.arp_ignore" -> "net/ipv4/conf/lo/arp_ignore".
std::string sysctl_key(std::string_view dotted);
// "/proc/sys/" + key: what an error message names.
std::string sysctl_file(std::string_view key);
// The value's first word ("1", "0"), none when the parameter does not exist or cannot be read.
std::optional<std::string> read_sysctl(std::string_view key);
// Writes `value` and a newline; false when the kernel refused it or the parameter does not exist.
bool write_sysctl(std::string_view key, std::string_view value);

}  // namespace lbd

// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The kernel's address lifetime (IFA_CACHEINFO valid/preferred lifetime) as a dead man's switch for
// a VIP: `lbd --release-vips` gives the VIPs of a crashed MASTER a lifetime that ends before any peer
// can take over, the kernel removes them then, and a restarted lbd that resumes MASTER makes them
// permanent again. RTM_NEWADDR with NLM_F_REPLACE changes the lifetime of an address in place (no
// removal, no gap); IPv4 addresses have lifetimes since Linux 3.9.
#include <chrono>
#include <optional>
#include <string>

#include "common/address.hpp"
#include "common/result.hpp"

namespace lbd::vrrp::io {

// Sets the lifetime of `vip` on `ifname`: `lifetime` seconds, or permanent when none. Creates the
// address when it is missing (with `label`, IPv4 only; IPv6 without duplicate address detection).
status<std::string> set_vip_lifetime(const std::string& ifname, const prefix& vip, const std::string& label,
                                     std::optional<std::chrono::seconds> lifetime);

}  // namespace lbd::vrrp::io
